import type { AgentDownload, AgentDownloads } from '../types';

/** The secrets and address an agent needs. */
export type AgentCredentials = { serverUrl: string; agentToken: string; apiKey: string };

/** The env file an agent reads (see environment.example). */
export function environmentFile({ serverUrl, agentToken, apiKey }: AgentCredentials): string {
  return [
    '# Certinel agent configuration. Keep this file secret.',
    `CERTINEL_SERVER_URL=${serverUrl}`,
    `CERTINEL_AGENT_TOKEN=${agentToken}`,
    `CERTINEL_API_KEY=${apiKey}`,
    '',
  ].join('\n');
}

/** Where `certinel-agent service install` expects things (agreed with the packaging). */
const UNIX_ENV = '/etc/certinel/agent.env';
const UNIX_BIN = '/usr/local/bin/certinel-agent';
const WINDOWS_DIR = 'C:\\Program Files\\Certinel';
const WINDOWS_ENV = 'C:\\ProgramData\\Certinel\\agent.env';

/** One way to install the agent: a command to paste on the target host. */
export type InstallOption = { id: string; label: string; note: string; command: string };

/** The server the agent talks to: the configured public URL, else the one the browser used. */
export function agentServerUrl(downloads: Pick<AgentDownloads, 'server_url'> | undefined, origin: string): string {
  return (downloads?.server_url ?? origin).replace(/\/+$/, '');
}

const fileUrl = (serverUrl: string, f: AgentDownload) => serverUrl + f.url;

const dirname = (p: string) => p.slice(0, p.lastIndexOf('/'));

/** Writes the env file readable by root only, from a quoted heredoc (no expansion of the secrets). */
function unixEnvStep(c: AgentCredentials): string {
  return [
    `sudo install -d -m 0755 ${dirname(UNIX_ENV)}`,
    `sudo sh -c 'umask 077 && cat > ${UNIX_ENV}' <<'CERTINEL_ENV'`,
    environmentFile(c).trimEnd(),
    'CERTINEL_ENV',
  ].join('\n');
}


/** A subshell that stops at the first failure (a bad checksum installs nothing) without closing the user's shell. */
const subshell = (lines: string[]) => ['(', 'set -e', ...lines, ')'].join('\n');

/** Download, verify, install and start a single binary (Linux, macOS). */
function unixBinary(c: AgentCredentials, f: AgentDownload, sha256sum: string): string {
  return subshell([
    `cd "$(mktemp -d)"`,
    `curl -fsSL -o ${f.name} '${fileUrl(c.serverUrl, f)}'`,
    `echo '${f.sha256}  ${f.name}' | ${sha256sum} -c -`,
    `sudo install -d -m 0755 ${dirname(UNIX_BIN)}`,
    `sudo install -m 0755 ${f.name} ${UNIX_BIN}`,
    unixEnvStep(c),
    `sudo ${UNIX_BIN} service install --env-file ${UNIX_ENV}`,
  ]);
}

/** Download, verify and install a package, then configure and start the agent. */
function unixPackage(c: AgentCredentials, f: AgentDownload, installer: string): string {
  return subshell([
    `cd "$(mktemp -d)"`,
    `curl -fsSL -o ${f.name} '${fileUrl(c.serverUrl, f)}'`,
    `echo '${f.sha256}  ${f.name}' | sha256sum -c -`,
    `sudo ${installer} ./${f.name}`,
    unixEnvStep(c),
    `sudo certinel-agent service install --env-file ${UNIX_ENV}`,
  ]);
}

/** PowerShell, as Administrator: download, verify, write the env file for SYSTEM and Administrators only, start. */
function windowsBinary(c: AgentCredentials, f: AgentDownload): string {
  return [
    `$ErrorActionPreference = 'Stop'`,
    `New-Item -ItemType Directory -Force '${WINDOWS_DIR}', '${WINDOWS_ENV.slice(0, WINDOWS_ENV.lastIndexOf('\\'))}' | Out-Null`,
    `$exe = '${WINDOWS_DIR}\\certinel-agent.exe'`,
    `Invoke-WebRequest -UseBasicParsing -Uri '${fileUrl(c.serverUrl, f)}' -OutFile $exe`,
    `if ((Get-FileHash -Algorithm SHA256 $exe).Hash -ne '${f.sha256}') { Remove-Item $exe; throw 'SHA-256 mismatch: not installed' }`,
    `$envFile = '${WINDOWS_ENV}'`,
    `Set-Content -Path $envFile -Encoding ascii -Value @'`,
    environmentFile(c).trimEnd(),
    `'@`,
    `icacls $envFile /inheritance:r /grant:r 'SYSTEM:F' 'Administrators:F' | Out-Null`,
    `& $exe service install --env-file $envFile`,
  ].join('\n');
}

/** Docker, from a checkout of the Certinel sources (no image is published). */
function docker(c: AgentCredentials): string {
  return [
    'docker build -f Dockerfile.agent -t certinel-agent .',
    `(umask 077 && cat > agent.env) <<'CERTINEL_ENV'`,
    environmentFile(c).trimEnd(),
    'CERTINEL_ENV',
    'docker run -d --restart unless-stopped --name certinel-agent --env-file agent.env -v certinel-agent:/var/lib/certinel-agent certinel-agent',
  ].join('\n');
}

const ARCH_LABEL: Record<string, string> = { amd64: 'x86-64', arm64: 'ARM64' };

/**
 * The install options for the files this server offers, in a stable order.
 * Docker builds from the sources, so it is offered whatever the server has.
 */
export function installOptions(files: AgentDownload[], c: AgentCredentials): InstallOption[] {
  const find = (kind: string, os: string, arch: string) => files.find((f) => f.kind === kind && f.os === os && f.arch === arch);
  const out: InstallOption[] = [];
  for (const arch of ['amd64', 'arm64']) {
    const f = find('binary', 'linux', arch);
    if (f) out.push({ id: `linux-${arch}`, label: `Linux ${ARCH_LABEL[arch]}`, note: 'As a user who may sudo; installs a systemd service.', command: unixBinary(c, f, 'sha256sum') });
  }
  for (const [arch, label] of [['arm64', 'macOS (Apple silicon)'], ['amd64', 'macOS (Intel)']] as const) {
    const f = find('binary', 'darwin', arch);
    if (f) out.push({ id: `darwin-${arch}`, label, note: 'In Terminal, as an administrator; installs a launchd daemon.', command: unixBinary(c, f, 'shasum -a 256') });
  }
  for (const arch of ['amd64', 'arm64']) {
    const f = find('binary', 'windows', arch);
    if (f) out.push({ id: `windows-${arch}`, label: `Windows ${ARCH_LABEL[arch]}`, note: 'In PowerShell run as Administrator; installs a Windows service.', command: windowsBinary(c, f) });
  }
  for (const arch of ['amd64', 'arm64']) {
    const f = find('deb', 'linux', arch);
    if (f) out.push({ id: `deb-${arch}`, label: `Debian/Ubuntu .deb ${ARCH_LABEL[arch]}`, note: 'As a user who may sudo.', command: unixPackage(c, f, 'apt-get install -y') });
  }
  for (const arch of ['amd64', 'arm64']) {
    const f = find('rpm', 'linux', arch);
    if (f) out.push({ id: `rpm-${arch}`, label: `RHEL/Fedora .rpm ${ARCH_LABEL[arch]}`, note: 'As a user who may sudo.', command: unixPackage(c, f, 'dnf install -y') });
  }
  out.push({ id: 'docker', label: 'Docker', note: 'In a checkout of the Certinel sources: builds the agent image locally.', command: docker(c) });
  return out;
}
