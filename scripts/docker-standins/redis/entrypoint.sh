#!/bin/sh
# As the official image: arguments that start with "-" are redis-server's; protected mode is off
# (the official image compiles it off), so other containers on the network may connect.
set -e
if [ "${1#-}" != "$1" ]; then set -- redis-server "$@"; fi
if [ "$1" = redis-server ]; then
  shift
  set -- redis-server --protected-mode no "$@"
fi
exec "$@"
