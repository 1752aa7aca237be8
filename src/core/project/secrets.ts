import type { SecretReference } from '../stores/reference.js';
import type { ProjectData } from './file.js';

/** Fetches a reference's value from its store (src/core/stores). Store failures are CliErrors. */
export type ResolveReference = (reference: SecretReference) => Promise<string>;

/**
 * The project's references as a source of the secret chain (env → .env.mcp → project → keychain):
 * a reference is resolved when its value is asked for, once per process however often it is asked.
 */
export interface ProjectSecrets {
  /** The project file, as the source is named in messages. */
  file: string;
  reference(name: string): SecretReference | undefined;
  /** The value of `name`'s reference; undefined when the project has none for it. */
  value(name: string): Promise<string | undefined>;
}

export function projectSecrets(project: ProjectData, resolveReference: ResolveReference): ProjectSecrets {
  const values = new Map<string, Promise<string>>();
  return {
    file: project.file,
    reference: (name) => project.secrets.get(name),
    value: async (name) => {
      const reference = project.secrets.get(name);
      if (!reference) return undefined;
      // Keyed by the reference: two names that point at one item cost one store call.
      let value = values.get(reference.text);
      if (!value) {
        value = resolveReference(reference);
        values.set(reference.text, value);
      }
      return value;
    },
  };
}
