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
audit-failed-at = ÉCHEC de la vérification à { $fault }
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
count-checkpoints = { $n ->
    [one] { $n } point de contrôle
   *[other] { $n } points de contrôle
}
