#!/bin/sh
# After unpacking: owners and modes set again (a package manager that could
# not resolve the user at unpack time leaves root), then the service, under
# systemd only. A first install enables and starts it once the env file
# holds a token (without one the agent could only fail); an upgrade
# restarts it on the new binary if it runs, and leaves an administrator's
# "disabled" alone. deb passes "configure" and the version configured
# before (none on a first install), rpm the count of installs (1: first).
set -e
env=/etc/certinel/agent.env
chown root:certinel-agent "$env"
chmod 0640 "$env"
chown certinel-agent:certinel-agent /var/lib/certinel-agent
chmod 0700 /var/lib/certinel-agent
[ -d /run/systemd/system ] || exit 0
systemctl daemon-reload
first=false
case "$1" in
configure) [ -z "$2" ] && first=true ;;
1) first=true ;;
esac
if ! $first; then
	systemctl try-restart certinel-agent.service
elif grep -Eq '^CERTINEL_AGENT_TOKEN=[^[:space:]]' "$env"; then
	systemctl enable --now certinel-agent.service
else
	echo "certinel-agent: fill in $env, then: systemctl enable --now certinel-agent"
fi
