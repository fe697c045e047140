# English help is the clap definitions' own; this file is empty on purpose.
