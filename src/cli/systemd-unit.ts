// `homeops watch --print-systemd-unit`: a systemd user unit that runs the watcher as it was
// asked for (the same config file, profile and metrics address), with the paths resolved now,
// since systemd starts it without the shell's PATH or working directory. Pure.

export type UnitInput = {
  /** The homeops binary (dist/cli.js), absolute. */
  binary: string;
  /** The directory holding the `node` that runs homeops now, for the unit's PATH. */
  nodeDir: string;
  /** The watcher's arguments after `watch`, already absolute where they name files. */
  args: readonly string[];
  docs: string;
};

/** Quotes a word for ExecStart= (systemd's own quoting: double quotes, backslash escapes). */
export function systemdQuote(word: string): string {
  if (/^[A-Za-z0-9_./:=@%+,-]+$/.test(word)) return word.replace(/%/g, '%%');
  return `"${word.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/%/g, '%%').replace(/\$/g, '$$$$')}"`;
}

export function systemdUnit(input: UnitInput): string {
  const exec = [input.binary, 'watch', ...input.args].map(systemdQuote).join(' ');
  return `# homeops watch as a systemd user service: the estate watched with the console closed.
# Install (as the user whose config, SSH keys and state it should use):
#   mkdir -p ~/.config/systemd/user
#   homeops watch --print-systemd-unit > ~/.config/systemd/user/homeops-watch.service
#   systemctl --user daemon-reload
#   systemctl --user enable --now homeops-watch
#   loginctl enable-linger "$USER"      # keep it running while nobody is logged in
# Its log (one line per event): journalctl --user -u homeops-watch -f
# Secrets (an ntfy token, an SMTP password) are named in the config as ...Env or ...File; set
# the variables in a file only you can read and uncomment EnvironmentFile below.
[Unit]
Description=HomeOps watcher: alerts, notifications, timeline and history
Documentation=file://${input.docs}
After=network-online.target
Wants=network-online.target

[Service]
Type=simple
ExecStart=${exec}
Environment=PATH=${input.nodeDir}:/usr/local/bin:/usr/bin:/bin
#EnvironmentFile=%h/.config/homeops/watch.env
Restart=on-failure
RestartSec=10s
KillSignal=SIGTERM
TimeoutStopSec=20s
NoNewPrivileges=yes
UMask=0077

[Install]
WantedBy=default.target
`;
}
