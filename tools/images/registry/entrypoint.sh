#!/bin/sh
# /entrypoint.sh of the docker.io/library/registry:2 image (docker-library/registry): a config file
# as the first argument means `registry serve FILE`; a registry subcommand or flag gets `registry`.

set -e

case "$1" in
    *.yaml|*.yml) set -- registry serve "$@" ;;
    serve|garbage-collect|help|-*) set -- registry "$@" ;;
esac

exec "$@"
