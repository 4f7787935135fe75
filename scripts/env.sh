# Sourced by the scripts: tools on PATH.
export PATH="$PWD/tools/node_modules/.bin:$HOME/.cargo/bin:$PATH"
