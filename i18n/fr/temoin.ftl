# Les messages de temoin en français : mêmes identifiants que
# i18n/en/temoin.ftl (un test le vérifie).

## Dates et heures

month-1 = janvier
month-2 = février
month-3 = mars
month-4 = avril
month-5 = mai
month-6 = juin
month-7 = juillet
month-8 = août
month-9 = septembre
month-10 = octobre
month-11 = novembre
month-12 = décembre
date-day = { $day } { $month } { $year }
date-month = { $month } { $year }
date-time = { $day } à { $clock } UTC

## L'aide de la ligne de commande

help-example-heading = Exemple :
help-options-heading = Options
help-arguments-heading = Arguments
help-commands-heading = Commandes
help-usage-heading = Utilisation :
help-flag-help = Afficher l'aide (plus de détails avec « --help »)
help-flag-version = Afficher la version

## Décomptes

count-entries = { $n ->
    [one] { $n } entrée
   *[other] { $n } entrées
}
count-authors = { $n ->
    [one] { $n } auteur
   *[other] { $n } auteurs
}
count-parts = { $n ->
    [one] { $n } partie
   *[other] { $n } parties
}
count-faults = { $n ->
    [one] { $n } défaut
   *[other] { $n } défauts
}
count-bytes = { $n ->
    [one] { $n } octet
   *[other] { $n } octets
}

## Dossiers de preuves : export, verify-bundle, report

export-done = exporté : { $scope } ({ $entries }, { $authors }), au point de contrôle de taille { $size } -> { $out }
export-left-out = { $parts } laissées de côté ({ $reasons }) ; le dossier dit lesquelles
export-withheld = retenues : { $labels }
export-redacted = { $n } caviardées dans l'archive
export-sealed = { $n } scellées pour des lecteurs, transmises chiffrées
export-beside = { $parts } à côté du dossier, chacune dans un fichier nommé par son empreinte dans { $dir } (copiez-les avec le dossier) :
export-beside-file = { $name }  entrée { $seq }, { $size }
bundle-stdin = le dossier lu sur l'entrée standard : { $fault }
bundle-cannot-read = impossible de lire le dossier { $path } : { $error }
bundle-too-large = le dossier { $path } fait { $size } octets, au-delà de la limite de { $limit }
verdict-bundle = dossier : { $scope } de { $origin }, exporté le { $exported }
verdict-checkpoint = point de contrôle : taille de l'arbre { $size }, racine { $root }, signature de { $key } vérifiée
verdict-absent-by = { $label } { $why } par l'entrée { $by }
verdict-signed-after-compromise = SIGNÉE APRÈS UNE COMPROMISSION DÉCLARÉE : clé non fiable depuis le { $since } selon l'entrée { $by }
verdict-not-established = non établi par ce dossier : { $what }
verdict-finding = constat : { $finding }
verdict-intact-with-findings = INTACT, AVEC { $n ->
    [one] { $n } ENTRÉE SIGNÉE
   *[other] { $n } ENTRÉES SIGNÉES
} APRÈS UNE COMPROMISSION DÉCLARÉE (à ne pas tenir pour le fait de leurs auteurs ; exclues des chiffres) : { $entries }, { $authors } ; signatures, empreintes des parties, formes décodées, preuves d'inclusion, chaînage des empreintes, autorité au moment de l'ajout, règles de versement et de projection : tout est vérifié
verdict-verified = VÉRIFIÉ : { $entries }, { $authors } ; signatures, empreintes des parties, formes décodées, preuves d'inclusion, chaînage des empreintes, autorité, règles de versement et de projection : tout est vérifié
verdict-failed = ÉCHEC : { $faults }
verdict-failed-more = ÉCHEC : { $faults } ({ $more } non listés)
report-written-findings = rapport écrit dans { $out } (dossier intact : { $entries }, dont { $findings } signées après une compromission déclarée)
report-written-verified = rapport écrit dans { $out } (dossier VÉRIFIÉ : { $entries })
report-written-failed = rapport écrit dans { $out }, mais le dossier a ÉCHOUÉ à la vérification : { $fault }
verifier-page-written = page de vérification écrite dans { $out } ({ $size }) : ouvrez-la dans un navigateur, hors ligne, indiquez la clé de l'archive et sélectionnez un dossier
verifier-page-stdout = impossible d'écrire la page de vérification sur la sortie standard : { $error }

## Reçus

receipt-not-verified = le reçu n'est PAS vérifié : { $error }
receipt-ok = ok : la déclaration { $hash } ({ $kind }) est l'entrée { $seq } de { $origin }, reçue le { $received }
receipt-ok-included = signature de l'auteur vérifiée ; incluse dans l'arbre signé de taille { $size } (racine { $root })
receipt-ok-still-there = toujours présente : l'arbre signé ultérieur de taille { $size } (racine { $root }) l'étend (preuve de cohérence vérifiée)

## init, sign, ingest, verify

init-done = archive { $dir } créée (origine { $origin }), dépositaire { $name } ({ $key })
init-checkpoint-key = clé des points de contrôle : { $vkey }
sign-done = déclaration { $kind } { $hash } signée -> { $out }
sign-done-stdout = déclaration { $kind } { $hash } signée -> sortie standard
ingest-appended = ajoutée : entrée { $seq }  déclaration { $kind } { $statement }  empreinte de l'entrée { $entry }
ingest-already = déjà là : entrée { $seq }  déclaration { $kind } { $statement }  empreinte de l'entrée { $entry }
ingest-refused = refusé { $file } : { $reason }
audit-failed = ÉCHEC de la vérification : { $error }
audit-failed-at = ÉCHEC de la vérification — { $fault }
audit-note-redacted = note : la partie { $label } de l'entrée { $seq } a été effacée par l'ordre de caviardage de l'entrée { $by }
audit-note-sealed = note : la partie { $label } de l'entrée { $seq } est scellée pour { $n ->
    [one] { $n } lecteur
   *[other] { $n } lecteurs
} : { $names } (l'archive n'en garde que le chiffré)
audit-not-enrolled-reader = { $recipient } (lecteur non inscrit)
audit-finding = constat : { $finding }
audit-ok = ok : { $entries }, { $authors }, { $parts }, { $checkpoints } vérifiés ; reçus du { $first } au { $last } ({ $seconds } s)
audit-ok-findings = ok : { $entries }, { $authors }, { $parts }, { $checkpoints } vérifiés ; reçus du { $first } au { $last } ({ $seconds } s) ; { $n ->
    [one] { $n } entrée signée
   *[other] { $n } entrées signées
} après une compromission déclarée (constats ci-dessus)
# Why the log fails the audit (verify).
log-not-an-entry = les octets enregistrés ne forment pas une entrée valide : { $error }
log-body = corps de la déclaration : { $error }
log-signature-bad-key = signature : la clé de l'auteur n'est pas un point Ed25519 valide
log-signature-weak-key = signature : la clé de l'auteur est une clé Ed25519 faible (d'ordre petit)
log-signature-invalid = signature : la signature ne se vérifie pas (verify_strict) sur le corps
log-entry-missing = l'entrée { $seq } manque : le journal passe de l'entrée { $before } à l'entrée { $found }
log-moved = l'entrée enregistrée à la position { $position } se donne pour l'entrée { $says } (des entrées ont été déplacées ou interverties)
log-altered = les octets de l'entrée ont été modifiés après son ajout : leur empreinte est { $hash }, et non l'empreinte de feuille consignée dans l'arbre
log-leaf-missing = la feuille de Merkle de l'entrée manque
log-twice = la déclaration { $statement } figure déjà dans le journal à l'entrée { $first } (une déclaration n'est jamais ajoutée deux fois)
log-prev = le lien prev { $prev } ne correspond pas à l'empreinte de l'entrée { $before } ({ $expected })
log-received-before = received_at { $received } remonte avant celui de l'entrée précédente, { $previous }
log-sealed-in-clear = la partie { $label } est scellée, mais l'archive la détient en clair (une partie scellée n'est détenue que sous forme de son chiffré)
log-part-mismatch = la partie { $label } ne correspond pas à son engagement
log-payload-missing = la partie "payload" manque (un payload ne peut jamais être caviardé)
log-part-missing = la partie { $label } manque et aucun ordre de caviardage ne l'a effacée
log-not-authorised = non autorisée au moment de son ajout : { $error }
log-node = le nœud de Merkle enregistré (niveau { $level }, indice { $index }) que complète cette entrée est faux ou manquant
log-no-checkpoint-key = un point de contrôle existe, mais la genèse ne nomme aucune clé de point de contrôle
log-checkpoint = point de contrôle de taille { $size } : { $error }
log-checkpoint-size = le point de contrôle enregistré pour la taille { $size } indique la taille { $says }
log-checkpoint-root = point de contrôle de taille { $size } : sa racine signée diffère de la racine des entrées 0..{ $size }
log-checkpoint-beyond = un point de contrôle annonce un arbre de taille { $size }, au-delà de la fin du journal
log-empty = l'entrée 0 (la genèse) manque : le journal est vide (toute archive commence par sa genèse)
log-head-size = la tête de l'archive (ligne X "head") annonce { $head } entrées, mais le journal en contient { $log } (des entrées ont été retirées ou ajoutées à son insu)
log-head-hash = l'empreinte de la dernière entrée diffère de celle que consigne la tête (ligne X "head")
log-head-received = la ligne X "head" indique que la dernière entrée a été reçue à { $head }, or elle l'a été à { $log } (l'archive date les nouvelles entrées d'après la tête)
log-statement-key = la ligne de l'index des déclarations de clé 'H' ‖ { $key } est malformée (une clé H est 'H' suivi de l'empreinte d'une déclaration, 32 octets) ; supprimez-la
log-statement-unknown = la ligne H { $hash } de l'index des déclarations désigne une déclaration absente du journal (en écrivant, l'archive la prendrait pour un doublon) ; { $stored }
log-statement-row-missing = la ligne H { $hash } de l'index des déclarations manque (en écrivant, l'archive ajouterait de nouveau cette déclaration) ; elle devrait contenir { $expected }
log-statement-row-differs = la ligne H { $hash } de l'index des déclarations diffère de ce que le journal en dérive ; { $stored } ; elle devrait contenir { $expected }
log-registry-key = la ligne du registre de clé { $key } est malformée (une clé R est 'R' suivi d'un numéro d'entrée, u64 gros-boutiste) ; supprimez-la
log-registry-row-missing = la ligne R { $seq } du registre manque : l'entrée { $seq } est une déclaration du registre, et sans cette ligne l'archive ne l'appliquerait pas en écrivant (une clé révoquée pourrait signer de nouveau, par exemple)
log-registry-row-extra = la ligne R { $seq } du registre désigne l'entrée { $seq }, qui n'est pas une déclaration du registre du journal
log-incident-row-differs = la ligne I { $id } de l'index des incidents diffère de ce que le journal en dérive ; { $stored } ; elle devrait contenir { $expected }
log-incident-row-extra = la ligne I { $id } de l'index des incidents désigne un incident que le journal n'a jamais ouvert (en écrivant, l'archive refuserait de l'ouvrir et accepterait des déclarations à son sujet)
log-incident-row-missing = la ligne I { $id } de l'index des incidents manque (en écrivant, l'archive laisserait ouvrir de nouveau cet identifiant) ; elle devrait contenir { $expected }
log-parts-end-does-not-decode = la ligne X "parts_end" ne se décode pas ({ $error })
log-parts-end = la ligne X "parts_end" indique que le fichier des parties contient { $held } octets, mais les parties de l'entrée { $seq } finissent à l'octet { $end } (en ouvrant l'archive pour écrire, temoin les couperait) ; elle devrait en indiquer au moins { $end }
log-config-missing = la ligne X "config" manque ou ne se décode pas (JSON : origin, max_part_bytes, max_future_ms)
log-config-origin = la ligne X "config" nomme l'origine { $config }, mais la genèse nomme { $genesis } ; elle devrait nommer { $genesis }
log-key-file-wrong = { $path } contient la clé de point de contrôle { $found }, et non celle que nomme la genèse ({ $expected }) ; restaurez la clé de l'archive elle-même
log-key-file-unloadable = { $path } ne se charge pas ({ $error }) ; il devrait contenir la clé que nomme la genèse ({ $expected })
log-row-holds = elle contient { $value }
log-row-does-not-decode = sa valeur ne se décode pas ({ $error })
log-statement-info = { "{" }entrée : { $seq }, nature : { $kind }, objet : { $subject }, propriétaire : { $owner }, étiquettes : { $labels }, incidents : { $incidents }, remplacée par : { $superseded }, rétractée par : { $retracted }, parties caviardées : { $redacted }{ "}" }
log-statement-info-none = aucune
log-incident-info = { "{" }ouvert à l'entrée : { $opened }, fiche : { $record }, fusion : { $merged }{ "}" }
log-incident-not-merged = aucune
log-incident-merged = { $id }
count-checkpoints = { $n ->
    [one] { $n } point de contrôle
   *[other] { $n } points de contrôle
}

## Le rapport de chaîne de traçabilité (src/report.rs)

report-title = Rapport de chaîne de traçabilité — { $scope }
report-scope-incident = Incident { $id }
report-scope-incident-titled = Incident { $id } — { $title }
report-scope-statement = Déclaration { $hash }
report-scope-all = L'ensemble du journal de { $origin }
report-running-head = Chaîne de traçabilité — { $origin }
report-running-foot = dossier { $name } · SHA-256 { $sha }
report-page = page
report-fault = DÉFAUT
report-footer = Produit par temoin { $version } le { $generated } à partir du dossier { $name } (SHA-256 { $sha }), exporté le { $exported }. Les empreintes sont des SHA-256, en hexadécimal.
report-footer-for = Produit par temoin { $version } le { $generated } pour { $by } à partir du dossier { $name } (SHA-256 { $sha }), exporté le { $exported }. Les empreintes sont des SHA-256, en hexadécimal.
report-verdict-verified = VÉRIFIÉ
report-verdict-verified-all = Les { $n } entrées de ce dossier se vérifient hors ligne au regard du point de contrôle signé de l'archive.
report-verdict-verified-how = La signature de chaque déclaration se vérifie (Ed25519, verify_strict) avec la clé de son auteur ; chaque partie incluse correspond à l'empreinte que son auteur a signée ; chaque entrée est prouvée, par une preuve d'inclusion RFC 9162, être à sa position dans le journal dont l'archive a signé la racine ; chaque auteur était inscrit et non révoqué lorsque l'entrée a été ajoutée, d'après les entrées du registre rejouées depuis le dossier ; la projection ci-dessous a été recalculée à partir des entrées.
report-verdict-intact = INTACT, AVEC { $n ->
    [one] { $n } DÉCLARATION SIGNÉE
   *[other] { $n } DÉCLARATIONS SIGNÉES
} APRÈS UNE COMPROMISSION DÉCLARÉE DE CLÉ
report-verdict-intact-all = Les { $n } entrées de ce dossier se vérifient au regard du point de contrôle signé de l'archive : signatures, empreintes des parties, preuves d'inclusion, autorité au moment de l'ajout, règles de versement et projection.
report-verdict-intact-but = { $n ->
    [one] Mais { $n } d'entre elles a été signée avec une clé que les dépositaires ont depuis déclarée compromise, et reçue au moment ou après le moment depuis lequel ils s'en défient. Quiconque détenait la clé a pu la signer ; elle est exclue de tous les chiffres et ne doit pas être tenue pour le fait de son auteur :
   *[other] Mais { $n } d'entre elles ont été signées avec une clé que les dépositaires ont depuis déclarée compromise, et reçues au moment ou après le moment depuis lequel ils s'en défient. Quiconque détenait la clé a pu les signer ; elles sont exclues de tous les chiffres et ne doivent pas être tenues pour le fait de leur auteur :
}
report-finding = entrée { $seq } : la déclaration { $statement } de la clé { $key } a été reçue le { $received }, au plus tôt le { $since }, moment depuis lequel la révocation de l'entrée { $by } se défie de cette clé : signée après une compromission déclarée (exclue des chiffres)
report-verdict-failed = ÉCHEC DE LA VÉRIFICATION — ne pas se fier à ce dossier
report-verdict-more-faults = { $n ->
    [one] … et { $n } autre défaut.
   *[other] … et { $n } autres défauts.
}
report-fact-origin = archive (origine du journal)
report-fact-archive-key = clé des points de contrôle de l'archive
report-fact-tree-size = taille de l'arbre signé
report-fact-tree-root = racine de l'arbre signé
report-fact-trusted-time = heure de confiance
report-time-existed = Ce point de contrôle existait au plus tard le { $time }, attesté par { $tsa } (horodatage RFC 3161, vérifié avec le certificat de TSA donné)
report-time-unchecked = { $n } jeton(s) d'horodatage RFC 3161 joint(s), non vérifié(s) (aucun certificat de TSA n'a été donné)
report-time-failed = Non établie : { $error }
report-fact-scope = portée
report-fact-exported = exporté le
report-fact-bundle-file = fichier du dossier
report-fact-bundle-sha = SHA-256 du fichier du dossier
report-fact-generated = rapport produit le
report-fact-prepared-by = établi par
report-fact-entries = entrées
report-entries-registry = { $n } (dont { $registry } entrées du registre)
report-h-absent = Parties non incluses
report-absent-none = Toutes les parties de toutes les entrées sont incluses dans ce dossier.
report-absent-intro = Ces parties sont engagées dans les déclarations signées de leurs auteurs (leur empreinte et leur longueur sont signées), mais leur contenu n'est pas dans ce dossier. Les signatures et les preuves se vérifient sans elles.
report-absent-withheld = Une partie retenue à l'export est toujours dans l'archive : son contenu peut être communiqué plus tard et vérifié au regard de l'empreinte.
report-absent-erased = Une partie effacée par un ordre de caviardage a définitivement disparu de l'archive : son contenu ne peut plus en être communiqué.
report-absent-sealed = Une partie scellée a été chiffrée par son auteur pour des lecteurs désignés avant de quitter sa machine : ni l'archive ni ce dossier ne la détiennent en clair, seulement son chiffré, que ses lecteurs sont seuls à pouvoir ouvrir et vérifier au regard de l'empreinte signée.
report-col-entry = entrée
report-col-part = partie
report-col-why = motif
report-witness-part = witness (identité du témoin)
report-sealed-to = { $n ->
    [one] scellée pour { $n } lecteur
   *[other] scellée pour { $n } lecteurs
}
report-sealed = scellée
report-absent-sealed-line = { $sealed } : seul son chiffré ({ $label }) figure dans l'archive et dans ce dossier ; un lecteur l'ouvre avec `temoin unseal` et le vérifie au regard de l'empreinte signée
report-absent-redacted-by = effacée de l'archive par l'ordre de caviardage de l'entrée { $by }
report-absent-redacted = effacée de l'archive
report-absent-withheld-line = retenue à l'export de ce dossier (toujours dans l'archive)
report-in-bundle = dans le dossier
report-beside = à côté du dossier, fichier { $file }
report-missing = MANQUANTE
report-h-not-established = Non établi par ce dossier
report-not-established-intro = Chaque règle que l'archive applique au versement a été vérifiée au regard des entrées de ce dossier. Les points suivants dépendent d'entrées du journal que le dossier ne contient pas : le dossier ne les prouve ni ne les infirme ; un audit complet d'une copie de l'archive (`temoin verify`) les tranche.
report-col-what = quoi
report-h-incident = L'incident tel que projeté
report-incident-intro = Recalculé par le vérificateur à partir des entrées de ce dossier ; chaque chiffre désigne les entrées dont il provient.
report-no-projection = Aucune projection n'a pu être calculée à partir des entrées de ce dossier.
report-not-opened = Incident { $id } : aucune entrée de ce dossier ne l'ouvre.
report-fact-incident = incident
report-fact-type = type
report-fact-place = lieu
report-fact-date = date
report-fact-coordinates = coordonnées
report-fact-description = description
report-commune-of = commune de { $name }
report-cercle-of = cercle de { $name }
report-region-of = région de { $name }
report-date-range = du { $start } au { $end }
precision-exact = exacte
precision-estimated = estimée
precision-unknown-day = jour inconnu
report-h-figures = Chiffres pour { $id }, par source
report-figure-range = de { $min } à { $max }
report-figure-conflict = CONFLIT : les sources divergent
report-figure-agree = les sources concordent
report-figure-agreement = { $verdict } ; { $sources ->
    [one] { $sources } source indépendante
   *[other] { $sources } sources indépendantes
}, { $authors ->
    [one] { $authors } auteur
   *[other] { $authors } auteurs
}
report-figure-per-source = { $count } — entrée { $seq }, { $who }
report-no-figure = Aucun témoignage ne donne de chiffre.
report-col-figure = chiffre
report-col-range = fourchette
report-col-agreement = concordance
report-col-each-source = chaque source (nombre — entrée, auteur ; évaluation)
figure-dead = morts
figure-injured = blessés
figure-missing = disparus
figure-women-dead = femmes parmi les morts
figure-children-dead = enfants parmi les morts
report-h-victims = Victimes nommées ({ $n })
report-victim-also = { $name } (aussi : { $others })
report-victim-disagree = les sources divergent
report-victim-agreed = concordantes
report-entry-of = entrée { $seq } ({ $who })
report-col-name = nom
report-col-sex = sexe
report-col-age = âge
report-col-status = statut
report-col-sources = sources
report-col-named-by = nommée par
report-col-relation = lien
report-h-testimonies = Témoignages ({ $n })
report-testimony-active = en vigueur
report-testimony-retracted = RÉTRACTÉ par l'entrée { $by } : { $reason }
report-testimony-elsewhere = porte désormais sur d'autres incidents
report-testimony-compromised = NON COMPTÉ : signé après une compromission déclarée de la clé de son auteur (non fiable depuis le { $since }, révocation à l'entrée { $by })
report-version-amended = entrée { $seq }, modifié : { $reason }
report-version = entrée { $seq }
report-annotation-line = { $stance } (entrée { $seq }, { $who }) : { $text }
report-latest-version = entrée { $seq }
    { $who }
report-col-latest = dernière version
report-col-source = source
report-col-versions = versions
report-col-annotations = annotations
report-h-merged = Incidents fusionnés dans celui-ci
report-merged-line = { $from } (entrée { $seq }) : { $reason }
report-h-claims = Bilans publiés qui le citent
report-claim-line = « { $text } » (entrée { $seq } ; { $grade })
report-merged-into = cet incident a été fusionné dans { $into } (entrée { $seq }) : le lire là
report-h-statements = Déclarations, dans l'ordre où l'archive les a reçues
report-entry-title = Entrée { $seq } — { $kind }
report-entry-faulty = DÉFECTUEUSE
report-entry-compromised = SIGNÉE APRÈS UNE COMPROMISSION DÉCLARÉE
report-fact-author = auteur
report-fact-author-key = clé de l'auteur
report-fact-created = créée le (selon l'auteur)
report-fact-received = reçue par l'archive le
report-fact-statement-hash = empreinte de la déclaration
report-fact-entry-hash = empreinte de l'entrée (feuille de Merkle)
report-verb-amends = modifie
report-verb-retracts = rétracte
report-verb-annotates = annote
report-verb-redacts = ordonne d'effacer une partie de
report-verb-refers = renvoie à
report-ref-entry = { $hash } (entrée { $seq })
report-ref-absent = { $hash } (absente de ce dossier)
report-unknown-author = auteur inconnu (non autorisé par les entrées du registre du dossier)
report-compromised-warning = à ne pas tenir pour le fait de cet auteur : l'archive l'a reçue le { $received }, au plus tôt le { $since }, moment depuis lequel la révocation de l'entrée { $by } déclare la clé de l'auteur compromise. Elle était autorisée lors de son ajout (la révocation est venue ensuite) : elle figure donc au journal et sa signature se vérifie, mais elle a pu être signée par quiconque détenait la clé ; elle est exclue de tous les chiffres.
report-fact-amendment-reason = motif de la modification
report-fact-reason = motif
report-fact-stance = position
report-fact-annotation = annotation
report-fact-merged = fusion
report-merged-into-id = { $from } dans { $into }
report-fact-claim = bilan
report-fact-window = période
report-fact-source = source
report-fact-part-erased = partie effacée
report-fact-incidents = incidents
report-fact-language = langue
report-claims-about = Affirmations sur l'incident { $id } :
report-original-text = Texte original :
report-translation = Traduction :
report-part-included = incluse, empreinte vérifiée
report-part-beside = à côté du dossier, fichier { $file }, empreinte vérifiée
report-col-bytes = octets
report-col-digest = empreinte engagée
report-col-in-bundle = dans ce dossier
report-col-attachment = pièce jointe
report-col-media-type = type de média
report-col-sealed = scellée
report-col-where = où
report-media-not-given = non indiqué par l'auteur
report-media-not-read = engagé, non lu ({ $place })
report-no = non
report-ciphertext-where = son chiffré { $label } : { $place }
report-h-authors = Auteurs et autorité
report-authors-intro = Tels qu'établis par les entrées du registre de ce dossier (genèse, inscriptions et révocations signées par des dépositaires), chacune avec sa propre preuve d'inclusion.
report-col-role = rôle
report-col-key = clé
report-col-enrolled = inscrit à
report-col-kind = nature
report-col-signed-by = signée par
report-col-received = reçue le
report-col-statement-hash = empreinte de la déclaration
report-author-revoked = révoqué à l'entrée { $seq } ({ $reason })
report-author-revoked-since = révoqué à l'entrée { $seq } ({ $reason }), non fiable depuis le { $since }
report-author-active = actif
report-genesis = genèse : archive créée, dépositaire { $name }
report-enrolment-of = inscription de { $name } comme { $role }
report-enrolment = inscription
report-revocation-of = révocation de la clé { $key }… : { $reason }
report-revocation = révocation
report-h-method = Méthode et limites
report-method = Ce rapport a été produit par temoin { $version } à partir du seul dossier, hors ligne, avec la clé des points de contrôle de l'archive fournie par le lecteur. Pour vérifier le dossier de façon indépendante, lancez la commande ci-dessous, ou un vérificateur écrit d'après la spécification (docs/FORMAT.md, §12) :
report-limits = Limites : un dossier prouve que chaque entrée qu'il contient figure au journal de l'archive, inaltérée, à la position indiquée, signée par un auteur autorisé à ce moment. Il ne prouve pas que l'archive ne détient aucune autre déclaration sur l'incident ; un audit complet d'une copie de l'archive (`temoin verify`) le prouve. Les heures revendiquées par les auteurs n'engagent qu'eux ; les heures de réception sont celles de l'archive.
role-custodian = dépositaire
role-intermediary = intermédiaire
role-reviewer = relecteur
role-reader = lecteur
report-not-established-incident = elle cite l'incident { $id }, dont la fiche d'ouverture n'est pas dans ce dossier : que cet incident ait été ouvert avant l'entrée { $seq } n'est pas établi par ce dossier

## Pourquoi une déclaration est refusée (src/cli/refusal.rs)

refusal-malformed = déclaration mal formée : { $detail }
refusal-file = fichier de déclaration mal formé : { $detail }
refusal-signature-bad-key = signature invalide : la clé de l'auteur n'est pas un point Ed25519 valide
refusal-signature-weak-key = signature invalide : la clé de l'auteur est une clé Ed25519 faible (d'ordre petit)
refusal-signature-invalid = signature invalide : la signature ne se vérifie pas (verify_strict) sur le corps
refusal-missing-part = la partie { $label } est engagée dans le corps mais absente du fichier de déclaration
refusal-unexpected-part = la partie { $label } figure dans le fichier de déclaration mais n'est pas engagée dans le corps signé
refusal-part-mismatch = la partie { $label } ne correspond pas à son engagement : { $what }
refusal-sealed-in-clear = la partie { $label } est scellée (son chiffré { $label }.age est engagé), mais le fichier de déclaration la porte en clair : une partie scellée ne voyage que chiffrée ; signez à nouveau avec `temoin sign --seal`
refusal-part-too-large = la partie { $label } fait { $len } octets, au-delà de la limite de cette archive ({ $limit } octets)
refusal-from-the-future = l'heure de création déclarée, { $claimed }, dépasse de plus de { $hours } h l'horloge de l'archive ({ $now }) ; vérifiez l'horloge de la machine qui a signé
rule-unknown-ref = elle renvoie à la déclaration { $target }, absente du journal
rule-ref-count = une déclaration { $kind } prend { $expected } référence(s), celle-ci en a { $got }
rule-unknown-incident = elle cite l'incident { $id }, absent de l'archive (ouvrez-le d'abord par une déclaration incident)
rule-duplicate-incident = l'identifiant d'incident { $id } est déjà pris ; modifiez cet incident au lieu de l'ouvrir à nouveau
rule-not-owner = { $kind } de la déclaration { $target } : seuls son auteur, un successeur de la clé de son auteur ou un dépositaire le peuvent
rule-wrong-target = la déclaration { $target } est de nature { $found } ; une déclaration { $kind } s'applique à { $expected }
rule-superseded = la déclaration { $target } a déjà été remplacée par { $by } ; modifiez ou rétractez la dernière version
rule-retracted = le témoignage { $target } a déjà été rétracté par { $by }
rule-incident-id-changed = une modification de l'incident { $old } ne peut pas changer son identifiant en { $new }
rule-already-merged = l'incident { $id } a déjà été fusionné dans { $into }
rule-no-such-part = la déclaration { $target } n'a pas de partie { $label } à caviarder
rule-already-redacted = la partie { $label } de la déclaration { $target } a déjà été caviardée à l'entrée { $seq }
rule-redact-registry = les déclarations du registre ne peuvent pas être caviardées : l'audit en a besoin
rule-genesis-refs = une déclaration de genèse ne peut pas renvoyer à d'autres déclarations
payload-missing-part = une déclaration { $kind } exige une partie { $label }
payload-json = le contenu (payload) { $kind } n'est pas un JSON valide de sa nature : { $reason }
payload-invalid = le contenu (payload) { $kind } est invalide : { $reason }
authority-unknown-key = la clé d'auteur { $key } n'est pas inscrite dans cette archive (un dépositaire doit d'abord l'inscrire)
authority-revoked = la clé d'auteur { $key } ({ $name }) a été révoquée à l'entrée { $seq } : { $reason }
authority-role-may-not = { $name } a le rôle { $role }, qui ne peut pas signer de déclaration { $kind }
authority-late-genesis = une déclaration de genèse ne peut être que l'entrée 0
authority-no-genesis = l'entrée 0 doit être une déclaration de genèse, pas { $kind }
authority-already-enrolled = la clé { $key } est déjà inscrite (comme { $name }, { $role })
authority-re-enrol-revoked = la clé { $key } a été révoquée à l'entrée { $seq } ; une clé révoquée ne peut pas être inscrite à nouveau (générez une nouvelle clé)
authority-revoke-unknown = la clé { $key } n'est pas inscrite : elle ne peut pas être révoquée
authority-already-revoked = la clé { $key } est déjà révoquée (à l'entrée { $seq })
authority-last-custodian = refus de révoquer le dernier dépositaire actif : l'archive serait gelée (inscrivez d'abord un autre dépositaire)
authority-bad-key = la clé du contenu n'est pas une clé Ed25519 valide et non faible : { $detail }
authority-reader-enrolled = le lecteur { $recipient } est déjà inscrit (comme { $name })
authority-reader-enrolled-revoked = le lecteur { $recipient } est déjà inscrit (comme { $name }, révoqué depuis : un lecteur révoqué n'est jamais réinscrit)
authority-revoke-unknown-reader = le lecteur { $recipient } n'est pas inscrit : il ne peut pas être révoqué
authority-reader-revoked = le lecteur { $recipient } est déjà révoqué (à l'entrée { $seq })

## Qui a fait quoi à qui (les faits du domaine dans le rapport)

precision-unknown-month = mois inconnu
report-place-precision = { $place } (précision : { $precision })
report-fact-perpetrators = auteurs présumés
report-fact-means = moyens
report-fact-grade-verification = évaluation : vérification
report-fact-grade-reliability = évaluation : fiabilité de la source
report-not-graded = non évaluée
report-grade-verification = vérification { $value } (entrée { $seq }, { $who })
report-grade-reliability = fiabilité { $value } (entrée { $seq }, { $who })
report-col-acts = actes
report-col-grade = évaluation
report-incident-record = fiche de l'incident
report-fact-source-line = entrée { $seq }, { $who } ({ $what }) ; { $grade }
report-h-perpetrators = Auteurs présumés de { $id }, par source
report-perpetrator-agreement = { $verdict } ; { $sources ->
    [one] { $sources } source indépendante
   *[other] { $sources } sources indépendantes
}
report-col-perpetrator = auteur présumé
report-col-attribution = attribution
report-col-each-perpetrator-source = chaque source (attribution, nature — entrée, auteur ; évaluation)
report-h-means = Moyens employés à { $id }, par source
report-model-not-given = modèle non précisé
report-col-means = moyens
report-col-each-means-source = chaque source (modèle — entrée, auteur ; évaluation)
report-h-data-conflicts = Récits dont les chiffres se contredisent ({ $n })
report-data-conflicts-intro = Conservés tels que la source les a donnés, et comptés ; signalés pour qu'on ne les lise pas comme concordants.
report-data-conflict-figures = ces chiffres du récit se contredisent : { $figures }
report-col-account = récit
report-col-about = sujet
report-col-what-disagrees = ce qui diverge
figure-named-dead = victimes nommées comme mortes
figure-women-and-children-dead = femmes et enfants parmi les morts
value-kind-state-forces = forces de l'État
value-kind-foreign-forces = forces étrangères
value-kind-private-military-company = société militaire privée
value-kind-armed-group = groupe armé
value-kind-unknown = inconnu
value-attribution-confirmed = confirmée
value-attribution-alleged = présumée
value-attribution-disputed = contestée
value-attribution-denied = démentie
value-means-armed-drone = drone armé
value-means-aircraft = avion
value-means-helicopter = hélicoptère
value-means-artillery = artillerie
value-means-small-arms = armes légères
value-means-explosive-device = engin explosif
value-means-arson = incendie volontaire
value-means-other = autre
value-act-killed = tué
value-act-injured = blessé
value-act-burned = brûlé
value-act-disappeared = disparu
value-act-detained = détenu
value-act-tortured = torturé
value-act-displaced = déplacé
value-act-property-destroyed = biens détruits
value-age-group-child = enfant
value-age-group-adult = adulte
value-age-group-elderly = personne âgée
value-age-group-unknown = tranche d'âge inconnue
value-verification-confirmed = confirmée
value-verification-fair = assez solide
value-verification-weak = faible
value-verification-contested = contestée
value-verification-discounted = écartée
value-reliability-high = élevée
value-reliability-medium = moyenne
value-reliability-low = faible
value-reliability-unknown = inconnue
value-place-precision-exact = exacte
value-place-precision-approximate = approximative
value-place-precision-locality = localité
value-place-precision-commune = commune
value-place-precision-cercle = cercle
value-place-precision-region = région
value-place-precision-country = pays
rule-grade-target = la déclaration { $target } est de nature { $found } : une évaluation porte sur une source, elle s'applique donc à un témoignage ou à un bilan publié
authority-succeeds-itself = la clé { $key } ne peut pas se succéder à elle-même
authority-succeeds-unknown = la clé à laquelle succéder, { $key }, n'est pas inscrite dans cette archive (une clé ne succède qu'à une clé inscrite avant elle)
authority-already-succeeded = la clé { $key } ({ $name }) a déjà pour successeur { $by } ({ $by_name }) ; une clé a au plus un successeur (inscrivez la nouvelle clé comme successeur de la clé de { $by_name })
authority-succession-cycle = la clé { $key } ne peut pas succéder à { $succeeds } : { $succeeds } descend déjà de { $key }, et une succession ne boucle jamais

## Erreurs d'une entrée JSON (toutes, avec leur chemin et leur valeur)

json-top = (la racine)
json-syntax = ligne { $line }, colonne { $column } : { $reason }
json-repeated = ligne { $line }, colonne { $column } : le membre { $name } figure deux fois dans un même objet
json-unknown-field-none = { $path } : champ inconnu ; cet objet n'a pas de champ
json-unknown-field = { $path } : champ inconnu ; les champs possibles ici sont { $allowed }
json-wrong-type = { $path } : { $value } est { $found }, attendu : { $expected }
json-not-one-of = { $path } : { $value } n'est pas l'une des valeurs { $allowed }
json-missing = { $path } : absent (champ obligatoire)
json-invalid = { $path } : { $reason }
json-invalid-value = { $path } : { $value } : { $reason }
json-errors-count = { $n } erreurs :{" "}
json-type-string = une chaîne
json-type-integer = un entier
json-type-non-negative-integer = un entier positif ou nul
json-type-number = un nombre
json-type-boolean = true ou false
json-type-array = un tableau
json-type-object = un objet
json-type-null = null
compose-not-an-object = l'entrée doit être un objet JSON
compose-not-composable = une déclaration { $kind } ne peut pas être faite à partir d'un fichier JSON ({ $hint })
report-named-by-graded = { $entry } ; évaluée { $grade }

## Incidents, décomptes et démonstration (src/cli/domain.rs)

as-of-nothing = état avant l'entrée 0 : l'archive ne contenait encore rien
as-of-latest = état à l'entrée { $seq } (reçue le { $when }), la dernière
as-of-earlier = état à l'entrée { $seq } (reçue le { $when }) ; le journal compte aujourd'hui { $size } entrées
list-merged-into = fusionné dans { $into }
list-includes = inclut { $members }
list-plus-retracted = (+{ $n } rétracté(s))
list-plus-compromised = (+{ $n } signé(s) après une compromission)
col-incident = incident
col-date = date
col-place = lieu
col-dead = morts
col-injured = blessés
col-missing = disparus
col-women = femmes
col-children = enfants
col-sources = sources
col-testimonies = témoignages
col-named = nommées
col-figure = chiffre
col-claimed = annoncé
col-records = fiches
col-incidents = incidents
col-difference = écart
col-records-sources = sources des fiches
col-entry = entrée
col-kind = nature
col-author = auteur
col-statement = déclaration
col-step = étape
list-legend = { $n } incidents. Les chiffres sont la fourchette que donnent les sources ; ⚠ = les sources divergent ; « sources » = sources indépendantes du nombre de morts ; ~ = date estimée ; 2025-11 = jour inconnu, 2025 = mois inconnu.
tally-head = Décompte : région { $region }, { $from } → { $to }, état à l'entrée { $seq }
tally-head-min-grade = , sources évaluées au moins « { $grade } »
tally-any-region = toutes
tally-beginning = le début
tally-now = aujourd'hui
tally-total = total ({ $n } incidents)
tally-women-children = femmes et enfants morts, d'après les fiches : { $total }
tally-left-out = en ne comptant que les sources évaluées au moins « { $grade } » : { $n ->
    [one] { $n } témoignage laissé
   *[other] { $n } témoignages laissés
} de côté ({ $ungraded } non évalués, { $below } évalués en dessous)
tally-no-figure = { $figure } : aucun chiffre pour { $incidents }
tally-partial = { $figure } : un seul des deux chiffres pour { $incidents }
tally-no-claim = Aucun bilan publié ne couvre cette période.
tally-claims-head = Bilans publiés, confrontés aux fiches d'incident de leur propre périmètre (écart = annoncé − fiches)
tally-claimed-at = annoncé à l'entrée { $entry } par { $who } ({ $source })
tally-scope = périmètre : { $rule } : { $incidents }
tally-agrees = concorde
tally-differs = DIFFÈRE
tally-disagreements = Bilans sur la même région et la même période qui se contredisent
grade-reliability-short = fiabilité { $value } (#{ $seq })
demo-banner = temoin demo — DÉMONSTRATION SEULEMENT : clés de keys/ (graines publiques) ; une source marquée FICTIVE montre une divergence
demo-archive = archive { $dir } (origine { $origin }), clé des points de contrôle { $vkey }
demo-source = source : examples/seed/{ $file } (l'article, conservé mot pour mot comme texte du témoignage de presse)
demo-verified = vérifié : { $entries }, { $authors }, { $parts }, { $checkpoints } — chaque signature, chaque lien, chaque nœud de Merkle, chaque point de contrôle et chaque autorité
demo-redacted = la partie { $label } de l'entrée { $seq } a été effacée par l'ordre de caviardage de l'entrée { $by } (signalé, ce n'est pas un défaut)
demo-incidents = Incidents
demo-region = Région { $region }, toutes dates : { $dead } morts dans { $n } incidents
demo-region-outside = Région { $region }, toutes dates : { $dead } morts dans { $n } incidents — { $outside } hors des trois semaines
demo-read-further = Pour aller plus loin :
demo-perpetrators = Auteurs présumés (tels que les sources les donnent ; attribution, nature)
demo-perpetrator = { $name } — { $what } — { $n ->
    [one] { $n } incident
   *[other] { $n } incidents
}, d'après { $sources }
demo-perpetrator-from = { $entry } de { $who }, évaluée { $grade }
tally-scope-window-region = incidents dans la région { $region } du { $from } au { $to }
tally-scope-window = incidents du { $from } au { $to }
tally-scope-named = les incidents que le bilan nomme
tally-derived = { $women } femmes + { $children } enfants
tally-disagreement = { $figure } ⚠ { $from } → { $to } : { $values }
tally-versus = {" "}contre{" "}
value-stance-corroborates = corrobore
value-stance-contradicts = contredit
value-stance-note = note
value-relation-eyewitness = témoin oculaire
value-relation-relative = proche de victimes
value-relation-local-notable = notable local
value-relation-hearsay = ouï-dire
value-relation-press = presse
value-relation-intermediary-observation = observation propre de l'intermédiaire
annotation-line = { $stance } de { $who } ({ $entry }) : { $text }
relation-described = { $relation } : { $description }

## incident show

show-title = Incident { $id } — { $title }
show-built-from = établi à partir de { $n } entrées ; dernière modification à l'entrée { $last }
show-merged-into = FUSIONNÉ dans { $into } à { $entry } ({ $reason }) : le lire là : `temoin incident show { $into }`
show-includes = inclut     { $from } (fusionné à { $entry } par { $who } : { $reason })
show-merged-record = Fiche de l'incident fusionné { $id }
show-figures = Chiffres (le nombre de chaque source ; la fourchette ; les sources indépendantes ; ⚠ = les sources divergent)
show-ungraded = non évaluée
show-left-out-list = { " " }: { $list }
show-no-graded-figure = (aucune source évaluée au moins « { $grade } » ne donne de chiffre)
show-no-figure = (aucune source ne donne encore de chiffre)
col-range = fourchette
col-says = dit
col-from = entrée
col-relation = lien
col-grade = évaluation
col-about = sujet
col-name = nom
col-sex = sexe
col-age = âge
col-group = tranche
col-status = statut
col-acts = actes
show-victims = Victimes nommées ({ $n } ; regroupées d'un témoignage à l'autre par leur nom, sans tenir compte des accents ni de la casse)
show-testimonies = Témoignages ({ $counted } comptés, { $not } non comptés)
show-counted = compté
show-retracted = RÉTRACTÉ à { $entry } ({ $reason }) : non compté
show-elsewhere = ne porte plus que sur { $incidents } : non compté
show-compromised = SIGNÉ APRÈS UNE COMPROMISSION DÉCLARÉE (clé non fiable depuis le { $since } selon la révocation #{ $by }) : non compté
show-testimony = { $entry } de { $who } — { $source } [{ $language }] — { $status }
show-graded = évalué { $grade }
show-amends-outside = la première version ici modifie { $statement }, qui portait sur d'autres incidents
show-part-erased = { $label } [EFFACÉE par { $entry } : { $reason }]
show-version = v{ $n } { $entry } reçue le { $received } ; parties : { $parts }
show-amended-because = modifié parce que : { $reason }
show-version-compromised = signée après une compromission déclarée : clé non fiable depuis le { $since } (révocation #{ $by })
annotation-on-line = { $stance } de { $who } ({ $entry }, sur { $on }) : { $text }
show-claims = Bilans publiés qui citent cet incident
show-claim-compromised = signé après une compromission déclarée
show-compromised-head = Signées après une compromission déclarée (montrées, exclues des chiffres)
show-compromised-line = { $entry } ({ $kind }) de { $who } : reçue au plus tôt le { $since }, moment depuis lequel la révocation #{ $by } se défie de sa clé
show-legend = #N = numéro de l'entrée dans le journal, suivi de l'empreinte de la déclaration (12 premiers chiffres hexadécimaux).
grade-verification-word = vérification { $value }
grade-reliability-word = fiabilité { $value }
grade-given = évaluation : { $parts }
value-sex-female = féminin
value-sex-male = masculin
value-sex-unknown = inconnu
value-status-dead = mort
value-status-injured = blessé
value-status-missing = disparu
fact-incident-record = fiche de l'incident
show-perpetrators = Auteurs présumés (attribution et nature selon chaque source ; ⚠ = les sources divergent)
show-means = Moyens (selon chaque source ; plusieurs ont pu être employés)
show-data-conflicts = Récits dont les chiffres se contredisent (comptés tels quels ; ⚠)
show-data-conflict = { $entry } de { $who }, sur { $incident } : { $what }
data-conflict-figures = ces chiffres du récit se contredisent : { $figures }
col-perpetrator = auteur présumé
col-attribution = attribution
col-means = moyens
col-model = modèle
record-label-record = fiche
record-label-type = type
record-label-when = date
record-label-place = lieu
record-label-about = objet
record-label-earlier = antérieure
record-label-amended = modifiée
record-amended-because = { $entry } : { $reason }
record-version = version { $n } sur { $n } : { $entry } de { $who }
col-entries = entrées
victims-legend = { $n } victimes nommées. ⚠ = les sources divergent sur le statut, le sexe, l'âge ou la tranche d'âge ; « entrées » = les entrées qui les nomment.
col-found = trouvé
col-field = champ
col-text = texte
search-legend = { $n ->
    [one] { $n } résultat
   *[other] { $n } résultats
} pour { $text }.
value-search-kind-incident = incident
value-search-kind-place = lieu
value-search-kind-victim = victime
value-search-kind-perpetrator = auteur présumé
value-search-field-id = identifiant
value-search-field-title = titre
value-search-field-place = lieu
value-search-field-commune = commune
value-search-field-cercle = cercle
value-search-field-region = région
value-search-field-name = nom

## Clés

key-secret-protected = clé secrète : { $file } (mode 0600, protégée par une phrase de passe ; gardez-la privée)
key-secret-clear = clé secrète : { $file } (mode 0600, non protégée par une phrase de passe ; gardez-la privée)
key-public = clé publique : { $file }
key-vkey = vkey :          { $vkey }
key-reader-protected = clé de lecteur : { $file } (mode 0600, protégée par une phrase de passe ; gardez-la privée : elle ouvre les parties scellées)
key-reader-clear = clé de lecteur : { $file } (mode 0600, non protégée par une phrase de passe ; gardez-la privée : elle ouvre les parties scellées)
key-recipient = destinataire :  { $recipient } (dans { $file })
keys-revoked-reader = révoquée à l'entrée { $seq } : { $reason }
keys-revoked = révoquée à l'entrée { $seq }{ $at }, non fiable depuis { $since } : { $reason }
keys-active = active
keys-succeeds = succède à { $name }
keys-succeeded-by = a pour successeur { $name }
col-role = rôle
col-enrolled = inscrite
col-vkey = vkey / destinataire
history-head = Historique { $kind ->
    [incident] de l'incident
   *[other] du témoignage
} { $subject } ({ $n ->
    [one] { $n } entrée
   *[other] { $n } entrées
})
history-no-change = (ne change rien à la fiche ni à ses chiffres)

## inspect

inspect-file = fichier
inspect-statement = déclaration
inspect-kind = nature
inspect-author = auteur
inspect-not-a-key = { $key } (clé invalide)
inspect-created = créée le
inspect-signature = signature
inspect-signature-valid = valide (ed25519, verify_strict)
inspect-signature-invalid = INVALIDE : { $error }
inspect-refs = renvois
inspect-none = aucun
inspect-sealed-to = { $n ->
    [one] scellée pour { $n } lecteur
   *[other] scellée pour { $n } lecteurs
}
inspect-attachment = pièce jointe, { $media }
inspect-check-ok = ok
inspect-check-ok-ciphertext = ok (chiffré)
inspect-check-mismatch = DIFFÈRE : ses { $carried } octets ne sont pas ceux que l'auteur a engagés ({ $committed } octets)
inspect-check-fault = DÉFAUT : { $fault }
inspect-check-missing = ABSENTE : le fichier ne la porte pas
inspect-check-missing-ciphertext = ABSENTE : le fichier ne porte pas son texte chiffré
inspect-fault-uncommitted = le fichier porte une partie { $label } que la déclaration n'engage pas
inspect-fault-companion = partie { $label } : { $check }
inspect-col-part = partie
inspect-col-bytes = octets
inspect-col-notes = remarques
inspect-col-check = contrôle
inspect-fault = défaut : { $fault }
inspect-ok = ok : la signature se vérifie et chaque partie transportée correspond à son engagement
inspect-not-ok = PAS OK : ce fichier de déclaration serait refusé (voir ci-dessus)

## Parties scellées et parties

seal-to-readers-needs-archive = --to-readers lit les lecteurs dans une archive : donnez --archive DIR (ou TEMOIN_ARCHIVE)
seal-no-reader = --to-readers : l'archive { $dir } n'inscrit aucun lecteur (un dépositaire en inscrit un avec `temoin key enroll --role reader --public READER.key.pub`)
seal-to-whom = --seal { $label } : pour qui ? Donnez --to DESTINATAIRE (ou le fichier .pub d'un lecteur) ou --to-readers
seal-nothing = des lecteurs sont donnés mais il n'y a rien à sceller : cette déclaration n'a pas de partie witness ; nommez une partie avec --seal LABEL
part-no-such = la déclaration { $statement } n'engage aucune partie { $label } (ses parties : { $parts })
part-is-sealed = la partie "{ $label }" est scellée : l'archive n'en détient que le chiffré ; un lecteur l'ouvre avec `temoin unseal --identity KEY --statement { $hash } --label { $label }`
part-written = partie { $label } de la déclaration { $statement } (entrée { $seq }) : { $size }, conforme à l'empreinte signée { $digest } -> { $out }
unsealed-written = partie { $label } de la déclaration { $statement } descellée, conforme à l'engagement de l'auteur : { $size } écrits dans { $out }
unseal-not-sealed = la partie { $label } de cette déclaration n'est pas scellée (aucun { $label }.age n'est engagé) : il n'y a rien à desceller
unsealed-printed = partie { $label } de la déclaration { $statement } descellée ; elle correspond à l'engagement signé de l'auteur

## Cohérence

consistency-proof-written = preuve de cohérence { $old } -> { $new } ({ $n } empreintes) écrite dans { $out }
consistency-genesis-key = note : clé des points de contrôle prise dans la genèse de l'archive ({ $key }) ; passez --archive-key pour vous fier à une clé obtenue ailleurs
consistency-ok = ok : NEW (taille { $new_size }, racine { $new_root }) étend OLD (taille { $old_size }, racine { $old_root }) de { $origin } : le journal n'a fait que croître
col-seq = n°
col-received = reçue
col-refs = renvois
col-parts = parties

## rebuild

rebuild-replayed = { $entries } entrées rejouées en { $seconds } s ({ $rate } entrées/s) : { $incidents } incidents, { $claims } bilans publiés
rebuild-touch-ok = index des contacts : { $n } paires (incident, entrée), toutes telles que le rejeu les trouve
rebuild-touch-differs = index des contacts DIFFÉRENT pour { $incident } : entrées manquantes { $missing }, entrées en trop { $extra }
rebuild-summaries = résumés d'incident en cache : { $matched } conformes, { $stale } périmés, { $missing } pas encore en cache, { $differing } différents
rebuild-unknown = résumés en cache d'incidents absents du journal (supprimés) : { $incidents }
rebuild-claims-ok = index des bilans publiés : ok
rebuild-claims-differs = index des bilans publiés : DIFFÉRENT
rebuild-rewritten = chaque résumé en cache est désormais réécrit d'après le rejeu
rebuild-matches = rebuild : ce qui était stocké correspond au journal

## Why a value is refused (temoin::reason::Reason). JSON names and the
## values an author writes stay as written, quoted.
reason-expected = il faut { $expected }
reason-expected-count = il faut un nombre : un entier, 0 ou plus, ou {"{"}"min": N, "max": M{"}"}
reason-statement-hash = doit être l'empreinte d'une déclaration, 64 chiffres hexadécimaux
reason-time = doit être une heure comme 2025-11-20T10:00:00Z
reason-note-needs-text = une note doit avoir un "text"
reason-testimony-needs-text = un témoignage doit avoir son "text" : le récit tel que le témoin l'a donné
reason-country-fix = { $value } n'est pas un code de pays ISO 3166-1 alpha-2 : écrivez { $fix }
reason-country = { $value } n'est pas un code de pays ISO 3166-1 alpha-2 (deux lettres majuscules, p. ex. "ML" pour le Mali)
reason-language-fix = { $value } n'est pas une étiquette de langue BCP 47 : écrivez { $fix }
reason-language = { $value } n'est pas une étiquette de langue BCP 47 (p. ex. "fr" pour le français, "tmh" pour le tamasheq, "fr-ML" pour le français du Mali)
reason-not-a-date = { $field } { $value } n'est pas une date AAAA-MM-JJ
reason-empty = { $field } est vide
reason-empty-perpetrator-name = le nom d'un auteur présumé est vide
reason-empty-victim-name = le nom d'une victime est vide
reason-empty-model = le modèle d'un moyen est vide (omettez-le s'il n'est pas connu)
reason-incident-id = l'identifiant d'incident { $id } doit compter de 1 à 64 caractères parmi a-z, 0-9 et '-'
reason-end-before-start = when.end est avant when.start
reason-coordinates = coordonnées hors limites
reason-range = { $field } : le minimum { $min } de l'intervalle dépasse son maximum { $max }
reason-victim = affirmations sur { $incident }, victime { $name } : { $fault }
victim-fault-age-range = age : le minimum { $min } de l'intervalle dépasse son maximum { $max }
victim-fault-child-aged = age_group "child" (enfant) mais l'âge { $age } est de 18 ans ou plus
victim-fault-minor-aged = age_group { $group } mais l'âge { $age } est de moins de 18 ans
victim-fault-act-twice = l'acte { $act } est donné deux fois
victim-fault-killed-not-dead = acte "killed" (tué) mais statut { $status } : une victime tuée a le statut "dead"
victim-fault-dead-not-killed = statut "dead" (mort) mais les actes donnés n'incluent pas "killed" : ajoutez-le, ou ne donnez aucun acte
reason-no-incident = un témoignage doit nommer au moins un incident
reason-incident-twice = l'incident { $id } est nommé deux fois
reason-claims-twice = deux blocs d'affirmations sur { $id } : donnez un bloc par incident
reason-claims-not-named = affirmations sur { $id }, qui n'est pas parmi les incidents du témoignage
reason-amendment-one-of = un amendement porte exactement un de "testimony" ou "incident"
reason-grade-empty = grade : donnez sa vérification, sa fiabilité ou les deux (ou omettez grade)
reason-merge-into-itself = un incident ne peut pas être fusionné avec lui-même
reason-to-before-from = "to" est avant "from"
reason-redact-payload = la partie payload ne peut pas être caviardée (les projections et l'audit en ont besoin) ; caviardez plutôt la partie witness ou text
reason-redact-companion = le compagnon d'une partie scellée ne se caviarde pas seul : nommez la partie scellée (p. ex. "witness", pas "witness.age"), ce qui efface son texte chiffré
reason-checkpoint-key-name = checkpoint_key s'appelle { $name }, et non comme l'origine { $origin }
reason-reader-role = un destinataire s'inscrit comme lecteur, non comme { $role } (une clé de signature s'inscrit par "key")
reason-reader-by-key = un lecteur s'inscrit par son destinataire age ("recipient": "age1…"), non par une clé de signature
reason-revocation-reason = une révocation doit avoir un motif
reason-field = { $field } : { $detail }

## History (crates/temoin-archive/src/projection/history.rs): what each
## entry is and what it changed in the record.
when-estimated = { $when } (estimée)
place-commune = commune { $name }
place-cercle = cercle { $name }
place-region = région { $name }
place-precision = précision : { $precision }
history-source-described = { $relation } : { $description }
history-opened = ouverture de l'incident { $id } : { $title } — { $place }, { $when }
history-testimony = témoignage ({ $source }) sur { $incidents }
history-amended-incident = amendement de la fiche d'incident { $target } : { $reason }
history-amended-testimony = amendement du témoignage { $target } : { $reason }
history-retracted = retrait du témoignage { $target } : { $reason }
history-annotation = annotation ({ $stance }) sur { $target } : { $text }
history-annotation-graded = annotation ({ $stance }) sur { $target } : { $text } [évaluation : { $grade }]
history-merged = fusion de { $from } dans { $into } : { $reason }
history-summary-claim = affirmation de synthèse : « { $text } »
history-redaction = ordre de caviardage : partie { $label } de { $target } effacée : { $reason }
history-revoked = révocation de la clé { $key }…, tenue pour non fiable depuis le { $time }
history-other = déclaration { $kind }
history-figure-sources = { $value } ({ $n ->
    [one] { $n } source
   *[other] { $n } sources
})
history-record = fiche : { $title } — { $place }, { $when } ({ $kind })
history-title = titre : { $was } → { $now }
history-type = type : { $was } → { $now }
history-place = lieu : auparavant { $was } ; désormais { $now }
history-when = date : auparavant { $was } ; désormais { $now }
history-description = description : { $text }
history-merged-into = fusionné dans { $into } : sa fiche et ses témoignages s'y lisent
history-now-includes = inclut désormais l'incident { $from } (fusionné dans celui-ci)
history-testimony-counted = témoignage { $name } compté
history-testimony-shown = témoignage { $name } montré, non compté
history-testimony-version = témoignage { $name } : lu désormais dans sa version { $version }
history-testimony-counted-again = témoignage { $name } de nouveau compté
history-testimony-retracted = témoignage { $name } retiré ({ $reason }) : hors des chiffres
history-testimony-elsewhere = le témoignage { $name } ne parle plus que de { $incidents } : hors des chiffres
history-testimony-compromised = témoignage { $name } : sa version { $version } a été signée après la compromission que déclare la révocation de l'entrée { $seq } : hors des chiffres
history-part-erased = partie { $label } de { $version } effacée ({ $reason }) : montrée comme une lacune
history-figure = { $figure } : { $was } → { $now }
history-perpetrator-text = { $name } ({ $attribution } ; { $kind })
history-victims-named = victimes nommées : +{ $names }
history-victims-unnamed = victimes qui ne sont plus nommées : { $names }
history-compromised-entry = entrée { $seq } ({ $kind }, déclaration { $statement }) signée après une compromission déclarée : reçue au plus tôt le { $time }, moment depuis lequel la révocation de l'entrée { $revoked } tient sa clé pour non fiable
history-claim-naming = affirmation de synthèse qui le nomme : « { $text } »
history-perpetrator-new = auteur présumé : { $now }
history-perpetrator = auteur présumé : { $was } → { $now }
history-graded = témoignage { $name } évalué : { $was } → { $now }
history-data-conflict = conflit de données dans l'entrée { $seq } sur { $incident } : { $text }
history-incidents = incidents : { $was } → { $now }
history-source = source : { $was } → { $now }
history-figure-in = { $figure } ({ $incident }) : { $was } → { $now }
history-perpetrators-in = auteurs présumés ({ $incident }) : { $was } → { $now }
history-means-in = moyens ({ $incident }) : { $was } → { $now }
history-victims-in = victimes ({ $incident }) : +{ $names }
history-victims-in-unnamed = victimes ({ $incident }) qui ne sont plus nommées : { $names }
history-first-version = première version, sur { $incidents }
history-withdrawn = retiré : gardé dans l'historique, hors de tous les chiffres
history-erased = partie { $label } effacée : montrée comme une lacune
history-version-compromised = version { $version } signée après cette compromission déclarée : hors de tous les chiffres tant qu'elle est la dernière version

## Archive, store, lookup and file errors (src/cli/errors.rs): the
## English is the library's own words.
io-not-found = fichier ou dossier introuvable
io-permission-denied = permission refusée
io-already-exists = le fichier existe déjà
io-is-a-directory = c'est un dossier
io-not-a-directory = ce n'est pas un dossier
io-storage-full = plus de place sur le disque
io-read-only = système de fichiers en lecture seule
io-cannot-read = impossible de lire { $what } { $path } : { $error }
io-cannot-write = impossible d'écrire { $what } { $path } : { $error }
file-bundle = le dossier de preuves
file-consistency-proof = la preuve de cohérence
file-input = le fichier d'entrée
file-receipt = le reçu
file-report = le rapport
file-statement = le fichier de déclaration
file-checkpoint = le point de contrôle
file-key = la clé
archive-locked = l'archive { $dir } est utilisée par un autre processus (un seul temoin à la fois peut écrire une archive ; attendez qu'il ait fini)
archive-not-an-archive = { $dir } n'est pas une archive temoin (pas de db/ dedans) ; créez-en une avec `temoin init`
archive-other-format = { $dir } est une archive temoin au format { $found }, et non { $expected } : ouvrez-la avec la version de temoin qui l'a écrite et exportez ce dont vous avez besoin
archive-already-exists = { $dir } existe déjà et n'est pas vide ; `temoin init` demande un nouveau dossier
archive-read-only = l'archive { $dir } a été ouverte en lecture seule ; écrire demande Archive::open, avec le checkpoint.key de l'archive
archive-input = impossible de lire le fichier de déclaration : { $error }
archive-io = impossible d'accéder à { $path } : { $error }
archive-genesis = la déclaration de genèse de l'archive a été refusée : { $refusal }
archive-bad-origin = l'origine { $origin } n'est pas une origine de point de contrôle valide : prenez un nom sans espace ni '+', p. ex. "temoin.example/tombouctou"
archive-sign-checkpoint = impossible de signer le point de contrôle : { $error }
archive-no-checkpoint = l'archive n'a pas encore de point de contrôle
archive-not-covered = l'entrée { $seq } n'est pas couverte par le dernier point de contrôle (taille { $size })
archive-no-such-proof = pas de telle preuve dans un arbre de taille { $size } : { $error }
archive-receipt = impossible de faire le reçu : { $error }
archive-genesis-no-outcome = la déclaration de genèse de l'archive n'a produit aucun résultat
archive-wrong-checkpoint-key = { $path } contient la clé de point de contrôle { $found }, et non celle que nomme la genèse de l'archive ({ $expected }) : l'archive ne signe ses points de contrôle qu'avec sa propre clé ; restaurez son checkpoint.key depuis une sauvegarde
archive-protected-checkpoint-key = { $path } est protégée par une phrase de passe, mais l'archive signe un point de contrôle à chaque écriture, sans surveillance : gardez la clé de point de contrôle en clair, mode 0600, sur un disque protégé (retirez la phrase de passe avec `temoin key passphrase --remove { $path }`)
archive-inconsistent = l'état enregistré de l'archive ne correspond pas à son journal : { $detail } ; rien n'a été écrit (lancez `temoin verify` pour localiser le défaut, puis restaurez l'archive depuis une sauvegarde)
archive-write-failed = une écriture précédente de ce processus a échoué, donc plus rien n'est confirmé ; rouvrez l'archive (le lot en échec n'a pas été confirmé)
archive-init = impossible de créer l'archive dans { $dir } : { $why }
store-sled = erreur de stockage : { $error }
store-unreadable = la base sled (db/db) n'a pas pu être lue à { $what } : { $error } ; le fichier est endommagé : restaurez l'archive depuis une sauvegarde
store-corrupt = le stockage est endommagé : { $detail } (lancez `temoin verify` pour localiser le défaut)
store-sync = { $error } ; rien n'a été confirmé : vérifiez le disque, puis rouvrez l'archive
store-too-large-to-hold = une partie de l'entrée { $seq } fait { $len } octets, plus que ce qui se lit en mémoire ; lisez-la en flux (`temoin part get`)
lookup-not-found = aucune déclaration de cette archive n'a d'empreinte commençant par { $prefix } (`temoin log` les liste)
lookup-not-found-in-bundle = aucune déclaration du dossier { $bundle } n'a d'empreinte commençant par { $prefix } (`temoin log` les liste)
lookup-ambiguous = le préfixe d'empreinte { $prefix } est ambigu : il correspond à { $n } déclarations ; donnez plus de chiffres hexadécimaux :
lookup-ambiguous-more = le préfixe d'empreinte { $prefix } est ambigu : il correspond à plus de { $n } déclarations ; donnez plus de chiffres hexadécimaux :
lookup-entry = entrée
projection-corrupt = entrée { $seq } : { $reason } (le stockage est endommagé ; lancez `temoin verify` pour localiser le défaut)
projection-unknown-incident = pas d'incident { $id } dans cette archive (`temoin incident list` les montre)
projection-not-yet-opened = l'incident { $id } n'était pas encore ouvert à l'entrée { $as_of } (il a été ouvert à l'entrée { $opened_at })
projection-ambiguous = { $query } correspond à plusieurs incidents ({ $candidates }) ; donnez l'identifiant de l'incident
projection-unknown-statement = aucune déclaration de cette archive n'a d'empreinte commençant par { $prefix } (`temoin log` les liste)
projection-bad-subject = { $subject } n'est ni un identifiant d'incident ni une empreinte de déclaration (donnez un identifiant d'incident, ou au moins 8 chiffres hexadécimaux d'une empreinte)
projection-no-history = la déclaration { $hash } est une déclaration { $kind } : l'historique suit les incidents, les fiches d'incident et les témoignages
projection-bad-as-of = --as-of { $value } : donnez un numéro d'entrée (p. ex. 42) ou une heure UTC (2025-11-20 ou 2025-11-20T10:00:00Z)
projection-bad-date = { $what } { $value } n'est pas une date AAAA-MM-JJ

## Command-line errors (src/cli/core.rs)
cli-max-part-bytes = --max-part-bytes { $given } : au-delà de la limite du format, { $limit } octets (docs/FORMAT.md §13)
cli-cannot-write-in = impossible d'écrire dans { $dir } : { $error }
cli-cannot-write-stdout = impossible d'écrire le fichier de déclaration sur la sortie standard : { $error }
cli-cannot-create-temp = impossible de créer un fichier temporaire : { $error }
cli-unknown-kind = type inconnu { $kind } ; les types sont : { $kinds }
cli-damaged-entry = entrée endommagée : { $error } ; lancez `temoin verify`
cli-damaged-entry-at = entrée { $seq } : { $error } ; lancez `temoin verify`
cli-cannot-start-audit = impossible de lancer l'audit : { $error }
cli-stalled-opening = à son ouverture ou à la lecture de ses premières entrées
cli-stalled-after = après la vérification de { $n } entrées, à la lecture de l'entrée { $n } et des suivantes, ou des lignes dérivées du journal
cli-stalled = le stockage n'a pas répondu pendant { $seconds } s { $at } : la base sled { $db } est endommagée (sled relit sans fin une page endommagée) ; restaurez l'archive depuis une sauvegarde
cli-unknown-role = rôle inconnu { $role } : prenez custodian, intermediary, reviewer ou reader
cli-bad-effective = --effective { $value } n'est pas AAAA-MM-JJ[THH:MM:SSZ]
cli-not-a-secret-key = { $path } n'est pas une clé secrète temoin ni une clé de lecteur
cli-passphrase-removed = phrase de passe retirée ; la clé est désormais en clair
cli-passphrase-set = désormais protégée par la nouvelle phrase de passe
cli-no-enrolled-key = { $option } { $arg } : aucune clé inscrite n'a ce nom, cette clé ou ce préfixe de clé (voir `temoin key list`)
cli-several-keys = { $option } { $arg } : { $n } clés y répondent : { $keys } ; donnez plus de chiffres hexadécimaux ou la clé elle-même
cli-role-revoked = { $role }, révoquée
cli-already-revoked = la clé inscrite sous le nom { $name } est déjà révoquée (voir `temoin key list`)
cli-several-enrolled-as = { $n } clés sont inscrites sous le nom { $name } : { $keys } ; donnez la clé elle-même (son fichier .pub ou son texte)

## Command-line errors (src/cli/evidence.rs)
cli-file-too-large = { $path } fait { $len } octets : ce ne peut pas être { $what } (limite { $limit })
cli-not-utf8 = { $what } { $path } n'est pas du texte UTF-8
cli-no-checkpoint-at = l'archive n'a émis aucun point de contrôle à la taille d'arbre { $size } (elle en signe un par lot reçu ; omettez --size pour le dernier)
cli-checkpoint-damaged = le point de contrôle enregistré est endommagé : { $error }
cli-old-after-new = --old { $old } est plus grand que --new { $new }
cli-no-out-dir = --out { $out } : le dossier { $dir } n'existe pas (créez-le d'abord)
cli-bad-format = --format { $format } : prenez html ou markdown
cli-old-larger = OLD est plus grand que NEW : donnez d'abord le point de contrôle le plus ancien
cli-no-receipt-dir = les déclarations ont été ajoutées, mais le dossier des reçus { $dir } ne peut pas être créé : { $error } ; obtenez les reçus plus tard avec `temoin receipt`
cli-no-receipt = la déclaration { $statement } a été ajoutée comme entrée { $seq }, mais son reçu ne peut pas être fait : { $error }
cli-receipt-unwritten = { $error } (la déclaration { $statement } a été ajoutée comme entrée { $seq } ; obtenez son reçu plus tard avec `temoin receipt`)

## Command-line errors (src/cli/mod.rs, evidence.rs, habits.rs)
cli-cannot-read-stdin = impossible de lire { $what } sur l'entrée standard : { $error }
cli-stdin-over-limit = { $what } sur l'entrée standard dépasse la limite de { $limit } octets
cli-archive-key-which = --archive-key prend la vkey de point de contrôle de l'archive, telle que `temoin key list` la montre (nom+keyid+base64)
cli-archive-key-neither = --archive-key { $arg } n'est ni une vkey ni un fichier ({ $error }) ; { $which }
cli-not-a-tms = { $file } : pas un fichier de déclaration lisible (.tms) : { $error }
cli-statement-does-not-decode = { $file } : la déclaration ne se décode pas : { $error }
cli-cannot-read-part = { $file } : impossible de lire la partie { $label } : { $error }

## clap's refusals of a command line (src/cli/lang.rs, clap_error)
clap-error = erreur : { $message }
clap-more = Pour en savoir plus, essayez '--help'.
clap-missing = ces arguments sont requis et manquent : { $args }
clap-unknown-argument = argument inattendu { $arg }
clap-unknown-command = commande inconnue { $command }
clap-suggested = {" "}; commandes proches : { $suggested }
clap-invalid-value = valeur { $value } invalide pour { $arg }
clap-valid-values = {" "}; valeurs possibles : { $values }
clap-value-validation = valeur { $value } invalide pour { $arg } : { $reason }
clap-missing-command = il faut une commande
clap-conflict = l'argument { $arg } ne peut pas s'employer avec { $other }
cli-bad-grade = { $value } n'est pas un degré de vérification : prenez confirmed, fair, weak, contested ou discounted

## Access tokens and the access log (src/cli/access.rs)
file-access = le fichier d'accès
file-token = le fichier du jeton
access-sync = impossible de rendre { $path } durable : { $error }
access-damaged = { $path } est endommagé : { $why } ; restaurez-le depuis une sauvegarde
access-no-such-token = pas de jeton { $id } (`temoin token list` les montre)
access-ambiguous-token = { $id } désigne plusieurs jetons ; donnez plus de son identifiant
access-empty-name = un jeton doit avoir un nom : celui de son titulaire (« Me Traoré, barreau de Bamako »)
access-broken = le journal des accès se rompt à la ligne { $line } : { $why } ; il a été modifié ou des lignes y ont été retirées
access-bad-role = rôle inconnu { $role } : prenez lawyer, reviewer ou custodian
access-token-made = jeton { $id } créé pour { $name } ({ $role }) ; il n'est montré qu'une fois, ci-dessus : remettez-le à son titulaire par un canal sûr
access-token-revoked = jeton { $id } ({ $name }) révoqué : il n'ouvre plus rien désormais
access-revoked-at = révoqué le { $at }
access-live = actif
access-col-id = id
access-col-name = nom
access-col-role = rôle
access-col-created = créé
access-col-status = statut
access-col-n = n°
access-col-at = quand
access-col-who = qui
access-col-what = quoi
access-col-scope = portée
access-col-withheld = retenu
access-col-sha256 = sha256
access-col-from = depuis
access-log-intact = { $n ->
    [one] { $n } ligne ; la chaîne du journal des accès tient.
   *[other] { $n } lignes ; la chaîne du journal des accès tient.
}
## Le serveur (temoin serve, temoin push)
archive-served = l'archive { $dir } est servie par un serveur en marche à { $url } : c'est lui qui la tient ; utilisez --server { $url } (ou arrêtez le serveur)
serve-listening = temoin serve : à l'écoute sur { $url } (archive { $dir }) ; arrêt par Ctrl-C
serve-stopped = temoin serve : arrêté ; chaque déclaration acquittée est sur disque
push-accepted = { $file } : dans le journal comme entrée { $seq } ; reçu vérifié et enregistré dans { $receipt }
push-failed = { $file } : non envoyé : { $error }
push-summary = { $failed } fichiers de déclaration sur { $total } n'ont pas été envoyés (voir ci-dessus)
witness-key-secret-given = la clé publique d'un témoin est attendue ici, mais ceci contient une clé secrète (PRIVATE+KEY+…) : donnez le fichier .pub, ou la vkey qu'il contient
witness-key-neither = --witness { $arg } n'est ni la vkey d'un témoin ni un fichier ({ $error })
witness-policy-not-enough = le point de contrôle (taille d'arbre { $size }) porte { $have } cosignature(s) valide(s) des témoins donnés, { $need } exigée(s) ; manquent : { $missing }
witness-policy-bad-cosignature = la cosignature de la ligne { $line } par le témoin { $name } ne se vérifie pas : le point de contrôle est refusé
witness-policy-length = la ligne { $line } du témoin { $name } se décode en { $found } octets, une cosignature (tlog-cosignature/v1) en exige 76 : le point de contrôle est refusé
witness-policy-timestamp = la cosignature de la ligne { $line } par le témoin { $name } porte un horodatage supérieur à 2^63 - 1 : le point de contrôle est refusé
witness-policy-duplicate = la clé de témoin { $witness } est donnée deux fois
witness-policy-threshold = --witness-threshold { $threshold } doit être compris entre 1 et le nombre de clés --witness ({ $witnesses })
witness-policy-failed = politique de témoins non satisfaite : { $error }
witness-policy-ok = témoins : { $have } cosignature(s), { $need } exigée(s) ({ $witnesses })
witness-listening = temoin witness : à l'écoute sur { $url } (clé du témoin { $vkey }, état { $dir }) ; arrêt par Ctrl-C
witness-stopped = temoin witness : arrêté ; chaque cosignature donnée est sur disque
witness-serve-bad = --witness { $arg } : attendu URL=VKEY, l'URL du témoin et sa vkey (p. ex. http://127.0.0.1:7380=witness.example/w1+1234abcd+BA…)
tsa-cert-bad = { $path } : pas un certificat d'horodatage utilisable ({ $error }) : donnez le certificat de l'autorité d'horodatage, ou celui de son émetteur, en PEM (-----BEGIN CERTIFICATE-----) ou DER
tsa-url-bad = --tsa : { $error }
timestamp-not-obtained = aucun horodatage obtenu, rien n'est enregistré : { $error }
timestamp-stored = le point de contrôle de taille d'arbre { $size } est horodaté et le jeton gardé à côté ({ $ms } ms pour l'obtenir et le vérifier)
timestamp-existed = ce point de contrôle existait au plus tard le { $time }, attesté par { $tsa }
timestamp-unchecked = { $n } jeton(s) d'horodatage joint(s), non vérifié(s) (donnez --tsa-cert pour les vérifier)
timestamp-failed = heure de confiance non établie : { $error }
# Why a bundle fails (verify-bundle), and what it does not establish.
fault-line = { $at } : { $kind } : { $reason }
fault-line-short = { $at } : { $reason }
fault-at-bundle = dossier
fault-at-checkpoint = point de contrôle
fault-at-entry = entrée { $seq }
fault-at-authors = auteurs
fault-at-projection = projection
fault-kind-format = format
fault-kind-checkpoint = point de contrôle
fault-kind-entry-bytes = octets de l'entrée
fault-kind-hash = empreinte
fault-kind-signature = signature
fault-kind-decoded = forme décodée
fault-kind-part = partie
fault-kind-missing-part = partie manquante
fault-kind-inclusion = preuve d'inclusion
fault-kind-chain = chaînage des empreintes
fault-kind-authority = autorité
fault-kind-registry = registre
fault-kind-authors = auteurs
fault-kind-projection = projection
fault-kind-compromise = compromission
fault-kind-scope = périmètre
fault-kind-rules = règles de versement
fault-kind-sequence = séquence
fault-kind-tree = arbre de Merkle
fault-kind-derived-row = ligne dérivée
fault-kind-key-file = fichier de clé
fault-file-too-large = le fichier dépasse la limite de { $limit } octets
fault-not-json = pas un dossier de preuves : pas un objet JSON ({ $error })
fault-format-unread = format { $format }, cette version lit { $expected }
fault-no-format = pas un dossier de preuves : pas de champ "format": { $expected }
fault-shape = le JSON du dossier n'a pas la forme d'un dossier de preuves : { $error }
fault-format = format { $format }, { $expected } attendu
fault-checkpoint-key = le point de contrôle ne se vérifie pas avec la clé de l'archive { $key } : { $error } ; rien dans le dossier ne peut être rattaché à l'archive (vérifiez que --archive-key est bien la clé de point de contrôle de l'archive, donnée par `temoin key list`)
fault-origin = le dossier indique l'origine { $bundle }, son point de contrôle { $checkpoint }
fault-payload-withheld = la partie payload ne peut pas être retenue : l'autorité et la projection en sont calculées
fault-more-faults = { $n } défauts de plus
fault-out-of-order = les entrées ne sont pas dans l'ordre croissant des numéros (l'entrée { $seq } suit l'entrée { $prev }) ; celle-ci est ignorée
fault-entry-too-large = l'entrée dépasse la limite de { $limit } octets
fault-entry-base64 = "entry" n'est pas du base64 : { $error }
fault-not-an-entry = les octets de l'entrée ne forment pas une entrée valide : { $error }
fault-wrong-seq = les octets sont ceux de l'entrée { $found }, présentée comme l'entrée { $listed }
fault-body = le corps de la déclaration ne se décode pas : { $error }
fault-entry-hash = entry_hash { $given } n'est pas l'empreinte des octets de l'entrée ({ $computed })
fault-statement-hash = statement_hash { $given } n'est pas l'empreinte de la déclaration signée ({ $computed })
fault-signature = la signature de l'auteur ne se vérifie pas : { $error } (clé d'auteur { $author })
fault-decoded = la forme décodée ne correspond pas aux octets de l'entrée (dossier contre octets : { $diff })
fault-proof-too-long = la preuve d'inclusion a { $hashes } empreintes, plus qu'aucun arbre n'en demande
fault-proof-hex = une empreinte de la preuve d'inclusion n'est pas faite de 64 chiffres hexadécimaux
fault-not-proven = rien ne prouve qu'elle est la feuille { $seq } de l'arbre signé de taille { $size } : { $error }
fault-part-shape = la partie { $label } { $shape } : une partie voyage soit dans le JSON, soit à côté du dossier (FORMAT.md §12.2)
fault-shape-both = a à la fois "content" et "beside"
fault-shape-neither = n'a ni "content" ni "beside"
fault-shape-beside-with-text = est à côté du dossier et a un "text" (seule une partie portée dans le JSON en a un)
fault-part-not-committed = la partie { $label } n'est pas engagée dans le corps signé
fault-part-twice = la partie { $label } est incluse deux fois
fault-sealed-in-clear = la partie { $label } est scellée, mais le dossier la porte en clair (une partie scellée ne voyage que sous forme de son chiffré { $ciphertext })
fault-content-length = partie { $label } : son contenu ne fait pas { $length } octets, la longueur engagée
fault-salt = partie { $label } : son sel n'est pas fait de 32 octets en base64
fault-content-base64 = partie { $label } : son contenu n'est pas du base64 : { $error }
fault-mismatch = la partie { $label } ne correspond pas à son engagement : SHA-256("temoin/part/v1\0" || sel || contenu) n'est pas l'empreinte signée { $digest }
fault-text-differs = partie { $label } : son "text" n'est pas son contenu (le contenu est vérifié ; le texte montré à côté a été modifié)
fault-unaccounted = la partie { $label } est engagée dans le corps signé, mais n'est ni incluse ni déclarée retenue ou caviardée
fault-absent-not-committed = la partie { $label } est déclarée absente, mais le corps signé n'engage aucune partie de ce nom
fault-payload-beside = la partie payload est à côté du dossier, or elle ne voyage jamais à côté : les règles la lisent dans le dossier
fault-beside-name = la partie { $label } est à côté du dossier sous le nom { $name }, qui n'est pas son empreinte engagée { $digest } en hexadécimal minuscule
fault-beside-missing = la partie { $label } voyage à côté du dossier dans le fichier { $digest }, qui { $why } : copiez les fichiers nommés par leur empreinte avec le dossier, dans le même répertoire
fault-beside-not-there = n'y est pas
fault-beside-cannot-open = ne peut pas être ouvert ({ $error })
fault-beside-cannot-read = ne peut pas être lu ({ $error })
fault-beside-longer = partie { $label } : le fichier { $digest } à côté du dossier fait plus que les { $committed } octets engagés (il a été tronqué ou allongé)
fault-beside-length = partie { $label } : le fichier { $digest } à côté du dossier fait { $length } octets, et non les { $committed } octets engagés (il a été tronqué ou allongé)
fault-beside-mismatch = { $mismatch } (le fichier { $digest } à côté du dossier a été modifié, ou est celui d'une autre partie)
fault-beside-content = { $reason } (le fichier { $digest } à côté du dossier)
fault-prev = prev { $prev } n'est pas l'empreinte de l'entrée { $seq } ({ $expected })
fault-received-before = received_at { $received } précède celui de l'entrée { $seq }, { $earlier } : l'horloge de l'archive ne recule jamais
fault-absent = la partie { $label } est absente : { $problem }
absence-sealed-without-ciphertext = déclarée scellée, mais le corps signé n'engage aucun chiffré pour elle
absence-must-be-sealed = elle est scellée (son chiffré est engagé) et doit être déclarée { $sealed }
absence-registry-withheld = les entrées du registre ne sont jamais retenues : l'autorité est rejouée à partir d'elles
absence-payload-withheld = la partie payload ne peut pas être retenue
absence-not-in-withheld-labels = déclarée retenue, mais { $label } n'est pas dans les withheld_labels du dossier
absence-withheld-but-redacted = déclarée retenue, mais l'ordre de caviardage de l'entrée { $by } l'a effacée : elle doit être déclarée caviardée par { $by }
absence-redacted-without-seq = déclarée caviardée sans le numéro de l'ordre de caviardage
absence-redacts-another = déclarée effacée par l'ordre de caviardage de l'entrée { $by }, qui ordonne d'effacer une autre partie
absence-no-such-order = déclarée effacée par un ordre de caviardage à l'entrée { $by }, mais le dossier ne contient pas cet ordre
absence-unknown-why = motif inconnu { $why } (withheld, redacted ou sealed attendu)
fault-no-genesis = l'entrée de genèse (entrée 0) n'est pas dans le dossier : l'autorité de ses auteurs ne peut pas être rejouée
fault-author-key = la clé d'auteur n'est pas valide : { $error }
fault-not-genesis = l'entrée 0 doit être la déclaration de genèse, pas { $kind }
fault-not-authorised = l'auteur n'était pas habilité à l'entrée { $seq } : { $error }
fault-replayed-from = (autorité rejouée à partir des entrées du registre du dossier : { $seqs })
fault-seq-list-long = { $first }, … ({ $n } en tout)
fault-registry-payload-missing = le payload de cette entrée du registre n'est pas dans le dossier : l'autorité ne peut pas être rejouée au-delà
fault-registry-payload = payload du registre invalide : { $error }
fault-change-not-allowed = ce changement du registre n'était pas permis : { $error }
fault-genesis-origin = la genèse nomme l'origine { $genesis }, le point de contrôle { $checkpoint }
fault-genesis-key = la genèse nomme la clé de point de contrôle { $named }, et non la clé de l'archive { $key } avec laquelle le dossier est vérifié
fault-compromise-says = signed_after_compromise indique { $says }, mais les entrées du registre du dossier établissent { $established }
fault-compromise-nothing = rien
fault-compromise = révoquée à l'entrée { $by }, non fiable depuis le { $since }
fault-twice = la déclaration { $statement } est déjà l'entrée { $first } : une déclaration n'est jamais ajoutée deux fois
fault-refused = l'archive l'aurait refusée : { $why }
refused-ref-later = elle renvoie à la déclaration { $target }, qui est l'entrée { $at } : une référence désigne une entrée antérieure
refused-ref-not-in-bundle = elle renvoie à la déclaration { $target }, absente de ce dossier, alors qu'un dossier contient toutes les déclarations auxquelles ses entrées renvoient
refused-incident-later = elle cite l'incident { $id }, qui n'est ouvert que plus tard, par l'entrée { $at }
fault-no-statement = le dossier porte sur la déclaration { $statement }, qui n'est pas parmi ses entrées
fault-no-incident = le dossier porte sur l'incident { $id }, mais ne contient aucune fiche d'incident qui l'ouvre
fault-not-whole = le dossier porte sur tout le journal de { $size } entrées, mais l'entrée { $missing } n'y est pas
fault-authors = la liste des auteurs diffère de celle que définissent les entrées du registre (dossier contre recalcul : { $diff })
fault-projection-format = la projection a été calculée comme { $format } et cette version calcule { $expected } : elles ne peuvent pas être comparées ; vérifiez avec un temoin de la version du dossier, ou exportez-le à nouveau (tout le reste a été vérifié)
fault-projection = la projection du dossier diffère de celle recalculée à partir de ses entrées (dossier contre recalcul : { $diff })
fault-projection-failed = la projection ne peut pas être recalculée à partir des entrées : { $error }
undecided-incident-opening = elle cite l'incident { $id }, dont la fiche d'ouverture n'est pas dans ce dossier : que cet incident ait été ouvert avant l'entrée { $seq } n'est pas établi par ce dossier
finding-signed-after-compromise = entrée { $seq } : la déclaration { $statement } de la clé { $author } a été reçue le { $received }, au plus tôt le { $since }, moment depuis lequel la révocation de l'entrée { $by } se défie de sa clé : signée après une compromission déclarée (tenue hors des décomptes)
verdict-entry-line = { $mark } entrée { $seq }  { $kind } { $who } déclaration { $statement }{ $absent }{ $compromise }
verdict-mark-ok = ok
verdict-mark-compromised = !!
verdict-mark-bad = KO
verdict-why-withheld = retenue
verdict-why-redacted = caviardée
verdict-why-sealed = scellée
project-no-payload = entrée { $seq } : sa partie payload n'est pas dans le dossier
project-payload = entrée { $seq } : { $error }
scope-incident = incident { $id }
scope-statement = déclaration { $hash }
scope-all = le journal entier

## --server : les commandes de lecture interrogent le serveur d'une archive
remote-archive-or-server = donnez --archive DIR (ou TEMOIN_ARCHIVE), ou --server URL
remote-json-only = avec --server, `{ $command }` affiche le JSON du serveur : ajoutez --json (les tableaux et le CSV s'affichent depuis le répertoire de l'archive, ou se lisent dans les pages web du serveur)
remote-token-missing = {" "}(ce contenu demande un jeton : définissez TEMOIN_TOKEN ou donnez --token-file FICHIER, avec le jeton que le dépositaire vous a remis)
remote-token-refused = {" "}(le serveur ne connaît pas ce jeton, ou il a été révoqué : demandez-en un nouveau au dépositaire)
remote-forbidden = {" "}(votre jeton n'ouvre pas ceci : c'est réservé aux jetons du dépositaire)
remote-token-file-empty = { $file } : le fichier du jeton est vide (sa première ligne doit être le jeton qu'a affiché `temoin token add`)
remote-export-scope = avec --server, export prend --incident ID (un serveur exporte un incident à la fois)
remote-export-key = avec --server, export demande --archive-key VKEY : le dossier de preuves est vérifié avec la clé que vous avez épinglée avant d'être écrit
remote-export-unverified = le dossier de preuves du serveur NE se vérifie PAS avec la clé d'archive épinglée ; rien n'a été écrit :
remote-export-written = dossier de preuves de { $scope } reçu de { $server }, vérifié avec la clé épinglée et écrit dans { $out } ({ $bytes } octets)

## Les pages web (temoin serve) : web-*
web-skip = Aller au contenu
web-nav-label = Principal
web-nav-incidents = Incidents
web-nav-tally = Bilan
web-nav-search = Recherche
web-nav-key = Clé de l’archive
web-nav-custodian = Dépositaire
web-signed-in-as = Connecté·e en tant que
web-signin = Se connecter
web-signout = Se déconnecter
web-footer = Chaque chiffre renvoie aux entrées signées dont il provient.
web-verify-link = Vérificateur hors ligne
web-incidents-title = Incidents
web-incidents-caption = Les incidents, avec les morts et les blessés tels que toutes les sources actuelles les donnent
web-as-of-entry = État à l’entrée
web-figures-explained = Une fourchette (7–9) signifie que les sources donnent des nombres différents ; ⚠ signale des nombres qui ne peuvent pas tous être vrais.
web-no-incidents = Aucun incident pour l’instant.
web-col-incident = Incident
web-col-place = Lieu
web-col-date = Date
web-col-dead = Morts
web-col-injured = Blessés
web-col-type = Type
web-col-id = Identifiant
web-col-count = Nombre
web-col-relation = Source
web-col-source = Entrée et auteur
web-col-sources = Sources
web-col-author = Auteur
web-col-grade = Évaluation
web-col-named = Nommé
web-col-means = Moyens
web-col-models = Modèles
web-col-name = Nom
web-col-sex = Sexe
web-col-age = Âge
web-col-status = Statut
web-col-acts = Actes
web-col-language = Langue
web-col-versions = Versions
web-col-received = Reçue le
web-col-reason = Motif
web-col-kind = Nature
web-col-created = Créée le (horloge de l’auteur)
web-col-statement = Empreinte de la déclaration
web-col-incidents = Incidents
web-col-label = Partie
web-col-size = Taille
web-col-state = Conservée
web-col-figure = Chiffre
web-col-total = Total
web-col-with = Incidents comptés
web-col-without = Sans ce chiffre
web-col-claimed = Annoncé
web-col-records = D’après les dossiers
web-col-difference = Écart
web-col-agrees = Concorde
web-col-match = Correspondance
web-col-field = Champ
web-col-entries = Entrées
web-col-role = Rôle
web-col-enrolled = Enrôlée
web-col-revoked = Révoquée
web-col-key = Clé
web-col-when = Quand
web-col-who = Qui
web-col-what = Quoi
web-col-scope = Portée
web-col-withheld = Retenu
web-col-from = Depuis
web-conflict = les sources divergent
web-merged-into = Fusionné dans
web-merged-here = Fusionnés dans celui-ci
web-last-touched = dernière modification à l’entrée
web-entry = entrée
web-as-of-notice = Voici l’incident tel qu’il se présentait après l’entrée
web-as-of-explained = Les entrées ultérieures ne sont pas prises en compte.
web-as-of-current = Le voir dans son état actuel.
web-as-of-label = Afficher à l’état de l’entrée
web-as-of-button = Afficher
web-as-of-this = à l’état de cette entrée
web-history-link = Historique, entrée par entrée
web-download-bundle = Télécharger le dossier de preuve (JSON)
web-download-report = Télécharger le rapport de chaîne de conservation
web-figures = Chiffres
web-no-figures = Aucune source ne donne encore de chiffres.
web-conflicts = Récits contradictoires
web-conflicts-explained = Les sources ci-dessous donnent des nombres qui ne peuvent pas tous être vrais ; elles sont présentées côte à côte, chacune avec son évaluation.
web-perpetrators = Auteurs présumés
web-attribution = Attribution
web-sources-authors = { $sources ->
    [one] une source indépendante
   *[other] { $sources } sources indépendantes
}, { $authors ->
    [one] un auteur
   *[other] { $authors } auteurs
}
web-means = Moyens
web-means-caption = Les moyens, tels que chaque source les donne
web-victims = Victimes
web-victims-caption = Les victimes nommées par les sources
web-also-spelt = aussi écrit
web-testimonies = Témoignages
web-testimonies-caption = Les témoignages sur cet incident, dernière version de chacun
web-record = La fiche de l’incident
web-record-caption = Les versions de la fiche de l’incident
web-none = Aucun.
web-status-active = compté
web-status-retracted = retiré à l’entrée { $seq } : { $reason }
web-status-compromised = non compté : la clé de son auteur a été déclarée compromise (entrée { $seq })
web-status-elsewhere = porte désormais sur { $incidents }
web-grade-verification = vérification : { $value } (entrée { $seq })
web-grade-reliability = fiabilité : { $value } (entrée { $seq })
web-history-title = Historique de { $id }
web-history-explained = Chaque entrée qui a touché cet incident, dans l’ordre où l’archive les a reçues, avec ce que chacune a changé.
web-entry-title = Entrée { $seq }
web-refs = Déclarations auxquelles elle renvoie
web-parts = Parties
web-parts-caption = Les parties signées par l’auteur, avec leur taille
web-parts-explained = Le contenu des parties scellées est chiffré pour les lecteurs enrôlés et n’est jamais affiché ici ; le contenu d’une partie caviardée a été effacé sur ordre de caviardage, son engagement signé demeure.
web-part-held = conservée
web-part-sealed = scellée (chiffrée ; non affichée)
web-part-redacted = caviardée (contenu effacé)
web-bytes = { $count ->
    [one] { $n } octet
   *[other] { $n } octets
}
web-tally-title = Bilan
web-tally-explained = Les totaux sur l’ensemble des incidents, et les bilans annoncés (autorités, presse, organisations) confrontés aux dossiers.
web-totals-caption = Totaux sur les incidents
web-claims = Bilans annoncés, rapprochés
web-claim-scope = incidents :
web-recon-caption = Le bilan annoncé face aux dossiers
web-disagreements = Bilans qui se contredisent
web-tally-incidents-caption = Les incidents dont les totaux font la somme
web-yes = oui
web-no = non
web-search-title = Recherche
web-search-label = Nom, lieu ou incident
web-search-button = Rechercher
web-search-explained = Les accents et les majuscules ne comptent pas : « tin aicha » trouve « Tin-Aïcha ».
web-search-nothing = Rien ne correspond à
web-search-caption = Ce qui correspond à
web-key-title = La clé de l’archive
web-key-explained = Chaque point de contrôle de cette archive est signé avec cette clé. Épinglez-la une fois, depuis une source de confiance (le dépositaire en personne, une copie imprimée), puis vérifiez n’importe quel dossier avec elle, hors ligne.
web-key-vkey = Clé de vérification
web-key-pin = Comment l’épingler
web-key-pin-1 = Enregistrez la ligne ci-dessus, à l’identique, dans un fichier, par exemple
web-key-pin-2 = Vérifiez un dossier téléchargé avec elle :
web-key-pin-3 = Ou, sans rien installer, utilisez la page de vérification hors ligne :
web-key-checkpoint = Le dernier point de contrôle
web-key-origin = Origine :
web-key-size = entrées :
web-keys-title = Clés
web-keys-caption = Les clés enrôlées, avec leur enrôlement et leur révocation
web-readers = Lecteurs
web-readers-caption = Les lecteurs des parties scellées
web-tokens-title = Jetons
web-tokens-explained = Les jetons ouvrent le contenu à leur détenteur. Seuls les premiers chiffres de leur empreinte sont affichés ; on les ajoute ou les révoque avec temoin token add / temoin token revoke.
web-tokens-caption = Jetons d’accès
web-log-title = Journal des accès
web-log-explained = Chaque dossier et chaque rapport remis, par qui, quand, avec le SHA-256 du fichier exact reçu.
web-log-caption = Qui a exporté quoi, et quand
web-signin-title = Connexion
web-signin-explained = Collez le jeton d’accès que le dépositaire vous a remis. Il est vérifié une fois ; votre navigateur garde ensuite un cookie de session, pas le jeton.
web-signin-token = Jeton d’accès
web-signin-failed = Ce jeton n’est pas valable (inconnu ou révoqué). Demandez-en un au dépositaire.
web-signout-title = Déconnexion
web-forbidden = Seul le jeton du dépositaire ouvre cette page.
web-csrf-refused = Ce formulaire n’a pas été envoyé depuis une page de ce site (son jeton de sécurité manque ou est faux). Rechargez la page et recommencez.
web-error-title = Erreur
web-error-not-found = Introuvable
web-error-forbidden = Non autorisé
web-error-bad-request = Requête incomprise
web-error-internal = Le serveur n’a pas pu afficher cette page. Réessayez plus tard.
web-error-bad-query = La requête de cette adresse n’est pas comprise.
web-error-bad-form = Ce formulaire n’a pas pu être lu.
web-error-no-entry = Cette archive n’a pas d’entrée de ce numéro.
web-back-home = Retour aux incidents
tiles-written = { $dir } : point de contrôle de taille { $size } publié ; { $written } tuiles écrites ({ $bytes } octets), { $kept } déjà présentes
mirror-done = { $dir } : copié et vérifié jusqu'à la taille { $size } (détenue : { $from }) : { $fetched } tuiles récupérées ({ $bytes } octets), { $entries } entrées vérifiées
mirror-up-to-date = { $dir } : à jour, taille { $size }
mirror-refused = le miroir a refusé le journal : { $reason }
mirror-token-refused = le serveur a refusé le jeton pour { $path } : demandez un jeton à son dépositaire (`temoin token add`)
mirror-token-needed = le serveur ne sert { $path } qu'aux détenteurs d'un jeton (les charges utiles sont les déclarations elles-mêmes) : donnez-en un avec --token-file FICHIER ou TEMOIN_TOKEN
tiles-verify-ok = ok : tuiles { $dir } de { $origin } : { $entries }, { $authors } vérifiés par rapport au point de contrôle signé ({ $seconds } s)
