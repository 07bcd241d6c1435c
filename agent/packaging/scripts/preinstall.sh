#!/bin/sh
# Before the files are unpacked, so they get their owner by name: the
# agent's system user, with no shell, no login and the state directory as
# home. deb passes "install" or "upgrade", rpm the count of installs.
set -e
if ! getent passwd certinel-agent >/dev/null; then
	if command -v useradd >/dev/null; then
		useradd --system --user-group --no-create-home --home-dir /var/lib/certinel-agent \
			--shell /usr/sbin/nologin --comment "Certinel agent" certinel-agent
	else
		adduser --system --group --no-create-home --home /var/lib/certinel-agent \
			--shell /usr/sbin/nologin certinel-agent
	fi
fi
