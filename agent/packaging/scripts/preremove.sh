#!/bin/sh
# Stop the service when the package is removed, not when it is upgraded:
# deb passes "remove" then, rpm 0 (the installs left).
set -e
case "$1" in
remove | 0)
	if [ -d /run/systemd/system ]; then
		systemctl disable --now certinel-agent.service || true
	fi
	;;
esac
