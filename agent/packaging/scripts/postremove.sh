#!/bin/sh
# On purge (deb only; rpm has none) the user and the spool go too; dpkg
# removes the env file itself, being a conffile.
set -e
if [ -d /run/systemd/system ]; then
	systemctl daemon-reload || true
fi
if [ "$1" = purge ]; then
	rm -rf /var/lib/certinel-agent
	rmdir /etc/certinel 2>/dev/null || true
	if getent passwd certinel-agent >/dev/null; then
		userdel certinel-agent
	fi
	if getent group certinel-agent >/dev/null; then
		groupdel certinel-agent
	fi
fi
