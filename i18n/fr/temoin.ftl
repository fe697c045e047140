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
