#!/bin/sh
# docker-entrypoint.sh of the docker.io/library/node images: runs the command with node when the
# first argument is a flag, not a command, or a file that is not executable.
set -e

# The last part inside the "{}" is a workaround for the following bug in ash/dash:
# https://bugs.debian.org/cgi-bin/bugreport.cgi?bug=874264
if [ "${1#-}" != "${1}" ] || [ -z "$(command -v "${1}")" ] || { [ -f "${1}" ] && ! [ -x "${1}" ]; }; then
  set -- node "$@"
fi

exec "$@"
