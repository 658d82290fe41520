#!/usr/bin/env bash
# Installs the real WordPress used by the connector's service tests (test/peers/wordpress): Debian's `wordpress`
# package with php-cli and php-mysql from Debian's registry, then a copy of the WordPress core under
# .tools/wordpress/core that every test run hard-links into its own site folder (with its own wp-config.php and
# database on the machine's MariaDB at 127.0.0.1:3306). Idempotent: each step is skipped when already done.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
start=$(date +%s)
say() { echo "install-wordpress: $* (t+$(( $(date +%s) - start ))s)"; }

missing=()
for package in wordpress php-cli php-mysql; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  say "apt-get install ${missing[*]} (~1-2 min)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -qq --no-install-recommends wordpress php-cli php-mysql >/dev/null \
    || { apt-get update -qq && apt-get install -y -qq --no-install-recommends wordpress php-cli php-mysql >/dev/null; }
else
  say "wordpress, php-cli and php-mysql are installed"
fi

core="$root/.tools/wordpress/core"
version=$(dpkg-query -W -f='${Version}' wordpress)
stamp="$root/.tools/wordpress/.core-version"
if [ -d "$core" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$version" ]; then
  say "$core is WordPress $version"
else
  say "copying /usr/share/wordpress ($version) to $core"
  rm -rf "$core"
  mkdir -p "$(dirname "$core")"
  cp -a /usr/share/wordpress "$core"
  # Debian's wp-config.php reads /etc/wordpress/config-<host>.php; each test site writes its own instead.
  rm -f "$core/wp-config.php"
  echo "$version" > "$stamp"
fi

if ! mariadb-admin --host=127.0.0.1 --user=root ping >/dev/null 2>&1; then
  say "starting MariaDB"
  start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd
  for _ in $(seq 1 30); do
    mariadb-admin --host=127.0.0.1 --user=root ping >/dev/null 2>&1 && break
    sleep 1
  done
fi
mariadb-admin --host=127.0.0.1 --user=root ping >/dev/null
say "done: $(php -r 'echo PHP_VERSION;') with WordPress $version at .tools/wordpress/core, MariaDB answering"
