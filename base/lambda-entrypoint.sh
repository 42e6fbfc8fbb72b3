#!/bin/sh
# Entrypoint of limg's offline Lambda base image, with the same contract as
# AWS's: the handler is the only argument; without AWS_LAMBDA_RUNTIME_API the
# runtime runs behind the local emulator.

if [ $# -ne 1 ]; then
  echo "entrypoint requires the handler name to be the first argument" 1>&2
  exit 142
fi
export _HANDLER="$1"

RUNTIME_ENTRYPOINT=/var/runtime/bootstrap
if [ -z "${AWS_LAMBDA_RUNTIME_API}" ]; then
  # The emulator runs on Node too: NODE_OPTIONS (an --inspect port, say) are the function's,
  # so they go to the runtime by another name, which the emulator turns back.
  if [ -n "${NODE_OPTIONS+set}" ]; then
    export LIMG_RUNTIME_NODE_OPTIONS="$NODE_OPTIONS"
    unset NODE_OPTIONS
  fi
  exec /usr/local/bin/aws-lambda-rie "$RUNTIME_ENTRYPOINT"
else
  exec "$RUNTIME_ENTRYPOINT"
fi
