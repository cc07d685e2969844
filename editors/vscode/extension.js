// The VS Code client of bmc's language server. It starts `bmc lsp` in the workspace folder
// (through npx, so the bmc a project installed is the one that checks it; the setting
// bmc.serverCommand names another) and hands it the .bm and .bmt files.
const { workspace } = require("vscode");
const { LanguageClient } = require("vscode-languageclient/node");

let client;

exports.activate = async function activate() {
  const [command, ...args] = workspace.getConfiguration("bmc").get("serverCommand");
  const cwd = workspace.workspaceFolders?.[0]?.uri.fsPath;
  client = new LanguageClient(
    "bmc",
    "bmc language server",
    // npx is a script on Windows: run it through the shell there.
    { command, args, options: { cwd, shell: process.platform === "win32" } },
    {
      documentSelector: [
        { scheme: "file", language: "bm" },
        { scheme: "file", language: "bmt" },
      ],
    },
  );
  await client.start();
};

exports.deactivate = function deactivate() {
  return client?.stop();
};
