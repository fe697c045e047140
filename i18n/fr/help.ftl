# Aide de la ligne de commande en français, par chemin de commande.
