#!/usr/bin/env bash
# Create the virtual environments of the benchmark peers under bench/.venvs/ (git-ignored).
#
# None of these packages is a dependency of keraslite: each peer lives in its own venv.
#
#   bench/.venvs/keraslite   keraslite from this repo (pip install -e .) + threadpoolctl
#   bench/.venvs/keras-jax   Keras 3 + JAX (CPU)           (or a link to $KERAS_JAX_VENV)
#   bench/.venvs/torch       PyTorch 2.13.0, CPU build      (the wheel on this machine's disk)
#   bench/.venvs/sklearn     scikit-learn
#   bench/.venvs/keras-tf    Keras 3 + tensorflow-cpu       (optional; skipped when it fails)
#   bench/.venvs/tools       matplotlib, for bench/scaling.py's plot
#
# Usage:  bash bench/setup_peers.sh [peer ...]      (default: all of them)
# Environment:
#   PYTHON=python3.11       the interpreter the venvs are made from (default: python3)
#   KERAS_JAX_VENV=/path    reuse a ready venv with keras 3 + jax instead of installing one
#   BENCH_TF=0              skip TensorFlow; BENCH_TF_TIMEOUT=600 caps its install (seconds)
#   FORCE=1                 recreate venvs that already exist
set -uo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(dirname "$here")"
venvs="$here/.venvs"
py="${PYTHON:-python3}"
mkdir -p "$venvs"

log() { printf '\n=== %s\n' "$*"; }

fresh() {  # fresh NAME: (re)create an empty venv; returns 1 when it exists and FORCE is unset
    local dir="$venvs/$1"
    if [[ -e "$dir" && "${FORCE:-0}" != 1 ]]; then
        echo "$1: exists at $dir (FORCE=1 recreates it)"
        return 1
    fi
    rm -rf "$dir"
    "$py" -m venv "$dir" && "$dir/bin/python" -m pip install -q --upgrade pip >/dev/null
}

check() {  # check NAME CODE: run CODE with the venv's python
    "$venvs/$1/bin/python" -c "$2"
}

setup_keraslite() {
    log "keraslite (editable, from $repo)"
    fresh keraslite || return 0
    "$venvs/keraslite/bin/pip" install -q -e "$repo[sklearn]" threadpoolctl
    check keraslite 'import keraslite, numpy; print("keraslite", keraslite.__file__, "numpy", numpy.__version__)'
}

setup_keras_jax() {
    log "Keras 3 + JAX (CPU)"
    if [[ -n "${KERAS_JAX_VENV:-}" ]]; then
        if [[ ! -x "$KERAS_JAX_VENV/bin/python" ]]; then
            echo "KERAS_JAX_VENV=$KERAS_JAX_VENV has no bin/python" >&2
            return 1
        fi
        rm -rf "$venvs/keras-jax"
        ln -s "$KERAS_JAX_VENV" "$venvs/keras-jax"
        echo "keras-jax: linked to $KERAS_JAX_VENV"
    elif fresh keras-jax; then
        # jax from PyPI is the CPU build; keras 3 picks its backend from KERAS_BACKEND.
        "$venvs/keras-jax/bin/pip" install -q "keras>=3" jax threadpoolctl scikit-learn
    fi
    KERAS_BACKEND=jax check keras-jax \
        'import keras, jax; print("keras", keras.__version__, "jax", jax.__version__, jax.devices())'
}

setup_torch() {
    log "PyTorch 2.13.0 (CPU)"
    fresh torch || return 0
    # torch==2.13.0 is pinned on purpose: pip takes the CPU wheel from this machine's disk
    # (find-links /opt/wheels). An unpinned 'torch' would download a CUDA build of several GB.
    "$venvs/torch/bin/pip" install -q "torch==2.13.0" numpy threadpoolctl
    check torch 'import torch; print("torch", torch.__version__, "cuda", torch.version.cuda)
assert torch.version.cuda is None, "a CUDA build of torch was installed; remove bench/.venvs/torch"'
}

setup_sklearn() {
    log "scikit-learn"
    fresh sklearn || return 0
    "$venvs/sklearn/bin/pip" install -q scikit-learn threadpoolctl
    check sklearn 'import sklearn; print("scikit-learn", sklearn.__version__)'
}

setup_keras_tf() {
    log "Keras 3 + TensorFlow (CPU; optional)"
    if [[ "${BENCH_TF:-1}" == 0 ]]; then
        echo "keras-tf: skipped (BENCH_TF=0)"
        return 0
    fi
    fresh keras-tf || return 0
    if ! timeout "${BENCH_TF_TIMEOUT:-600}" "$venvs/keras-tf/bin/pip" install -q \
            tensorflow-cpu "keras>=3" threadpoolctl \
        || ! KERAS_BACKEND=tensorflow check keras-tf \
            'import keras, tensorflow as tf; print("keras", keras.__version__, "tensorflow", tf.__version__)'; then
        echo "keras-tf: tensorflow-cpu could not be installed here; the benchmark skips it"
        rm -rf "$venvs/keras-tf"
    fi
    return 0
}

setup_tools() {
    log "tools (matplotlib for the scaling plot)"
    fresh tools || return 0
    "$venvs/tools/bin/pip" install -q matplotlib
    check tools 'import matplotlib; print("matplotlib", matplotlib.__version__)'
}

peers=("$@")
[[ ${#peers[@]} -eq 0 ]] && peers=(keraslite keras-jax torch sklearn tools keras-tf)
status=0
for p in "${peers[@]}"; do
    case "$p" in
        keraslite) setup_keraslite ;;
        keras-jax) setup_keras_jax ;;
        torch) setup_torch ;;
        sklearn) setup_sklearn ;;
        keras-tf) setup_keras_tf ;;
        tools) setup_tools ;;
        *) echo "unknown peer: $p (keraslite keras-jax torch sklearn keras-tf tools)" >&2; false ;;
    esac || { echo "!!! $p: setup failed" >&2; status=1; }
done
log "done: $(ls "$venvs" | tr '\n' ' ')"
exit $status
