#!/bin/sh
# After unpacking: owners and modes set again (a package manager that could
# not resolve the user at unpack time leaves root), then the service
# enabled and (re)started, but only under systemd and once the env file
# holds a token: without one the agent could only fail.
set -e
env=/etc/certinel/agent.env
chown root:certinel-agent "$env"
chmod 0640 "$env"
chown certinel-agent:certinel-agent /var/lib/certinel-agent
chmod 0700 /var/lib/certinel-agent
[ -d /run/systemd/system ] || exit 0
systemctl daemon-reload
if grep -Eq '^CERTINEL_AGENT_TOKEN=[^[:space:]]' "$env"; then
	systemctl enable certinel-agent.service
	systemctl restart certinel-agent.service
else
	echo "certinel-agent: fill in $env, then: systemctl enable --now certinel-agent"
fi
