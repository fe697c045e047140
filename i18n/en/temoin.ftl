# temoin's messages in English: the reference catalogue (`fl!` checks ids
# and arguments against this file at compile time). i18n/fr/temoin.ftl has
# the same ids.

## Dates and times

month-1 = January
month-2 = February
month-3 = March
month-4 = April
month-5 = May
month-6 = June
month-7 = July
month-8 = August
month-9 = September
month-10 = October
month-11 = November
month-12 = December
date-day = { $day } { $month } { $year }
date-month = { $month } { $year }
date-time = { $day }, { $clock } UTC

## The command line's help (the rest of it is the clap definitions')

help-example-heading = Example:
help-options-heading = Options
help-arguments-heading = Arguments
help-commands-heading = Commands
help-usage-heading = Usage:
help-flag-help = Print help (see more with '--help')
help-flag-version = Print version
