"""The build layer: turning a batch of inputs into editions in a folder, only what changed.

Its rooms, each one concept:

- `key`: the rebuild key, everything besides an article's input that shapes its editions
  (one key all editions share, one per edition); computed there and nowhere else.
- `record`: the folder's SQLite record of what was built (and the build's journal).
- `plan`: what is up to date and why not, a segment of the batch at a time.
- `install`: putting an article's new set in place (names, versions, kills, the
  journal); `BuildState` is the record as a build uses it.
- `work`: the per-article work a worker runs (read, render, stage, flush).
- `engines`: where the work runs (this process, a pool, a Dask cluster via `cluster`),
  and the processes a build starts.
- `builder`: `build` and its dry run `preview`, the report.
- `collect`: the manifests a build writes from its record.

Callers import from the rooms themselves. (The package is not named `publish.build`:
that is the public `build` function's name, which a subpackage would replace.)
"""
