export {
  assertWorkspaceReadStatement,
  type OpenWorkspaceOptions,
  openWorkspaceReader,
  openWorkspaceWriter,
  resolveWorkspacePath,
  type WorkspaceLocation,
  type WorkspacePath,
  type WorkspaceReader,
  type WorkspaceRow,
  type WorkspaceWriter,
} from './sqlite.ts';
export { deriveWorkspaceDatabaseKey, type WorkspaceDatabaseKey } from './sqlite-key.ts';
