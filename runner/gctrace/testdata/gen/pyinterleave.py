# Writes app output that a GC line of the oomlab preload lands inside:
# run with PYTHONPATH=<dir holding the preload as sitecustomize.py>.
import gc
import os
import sys

print("app: starting", flush=True)
sys.stdout.write("app: partial line ")
sys.stdout.flush()
gc.collect(1)  # the preload's line is glued to the partial one
print("then its end", flush=True)
if os.fork() == 0:  # the child numbers its collections from 0
    gc.collect()
    os._exit(0)
os.wait()
junk = [[] for _ in range(5000)]  # gen0 collections
gc.collect(2)
print("app: done", flush=True)
