#!/usr/bin/env bash
# The workstation's pipeline as a user runs it, for the offline test: every
# step must work with only loopback and must not try to reach anything else.
# Usage: pipeline.sh CLI WORKDIR
set -euo pipefail
cli=$1
work=$2
lib=$work/library.sqlite

# Generate and import the demo archive (small), pretrain a tiny model, embed, evaluate, search.
node "$cli" demo --no-serve --no-train --library "$lib" --studies 12 --image-size 64 --json >"$work/demo.json"
node "$cli" studies --library "$lib" --json >"$work/studies.json"
node "$cli" info --library "$lib" --json >"$work/info.json"
cat >"$work/tiny.json" <<'JSON'
{ "seed": 5, "image": { "encoder": { "depth": 18, "widthMultiplier": 0.0625 }, "size": 32 },
  "text": { "vocabSize": 300, "hiddenSize": 16, "numLayers": 1, "numHeads": 2, "intermediateSize": 32, "maxTokens": 32 },
  "heads": { "hiddenDim": 16, "outputDim": 8 }, "batchSize": 4, "epochs": 1,
  "validation": { "fraction": 0.25 }, "earlyStopping": { "patience": 1, "minDelta": 0, "minEpochs": 0 } }
JSON
node "$cli" pretrain --library "$lib" --config "$work/tiny.json" --backend cpu --json >"$work/pretrain.json"
node "$cli" embed --library "$lib" --backend cpu --json >"$work/embed.json"
# Evaluate the checkpoint against random init on the demo's imported ground truth.
checkpoint=$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).checkpoint)' "$work/pretrain.json")
node "$cli" eval --library "$lib" --task CheXpert --label "No Finding" --encoder random --encoder "ConVIRT=$checkpoint" \
  --fractions 100 --seeds 1 --resamples 50 --json >"$work/eval.json"
node "$cli" search "pleural effusion" --library "$lib" --k 3 --json >"$work/search.json"

# Browser mode: serve, then fetch the study list through the bridge.
node "$cli" serve --library "$lib" --json >"$work/serve.json" &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 50); do
  [ -s "$work/serve.json" ] && node -e 'JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"))' "$work/serve.json" 2>/dev/null && break
  sleep 0.2
done
node -e '
  const { origin, token } = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  fetch(origin + "/api/library:listStudies", {
    method: "POST",
    headers: { authorization: "Bearer " + token, "content-type": "application/json" },
    body: "{\"limit\": 3}",
  }).then((r) => r.json()).then((j) => {
    if (!j.ok || j.value.items.length !== 3) process.exit(3);
    require("fs").writeFileSync(process.argv[2], JSON.stringify(j));
  });
' "$work/serve.json" "$work/bridge.json"
echo "pipeline done"
