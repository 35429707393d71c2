import os

# Selecting the backend before any import of deepxde also keeps deepxde from
# writing ~/.deepxde/config.json.
os.environ.setdefault("DDE_BACKEND", "pytorch")
