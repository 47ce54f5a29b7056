#!/bin/sh
# Makes the secrets compose.yaml mounts (once; existing ones are kept): ./secrets/secret_key
# and ./secrets/postgres_password. The folder is its owner's only; the files stay readable so
# that the containers' own users (newsdesk, postgres) can read the bind-mounted copies.
set -eu
cd "$(dirname "$0")/.."
mkdir -p secrets
chmod 700 secrets
for name in secret_key postgres_password; do
    if [ ! -s "secrets/$name" ]; then
        python3 -c 'import secrets; print(secrets.token_urlsafe(50))' > "secrets/$name"
        chmod 644 "secrets/$name"
        echo "made secrets/$name"
    fi
done
