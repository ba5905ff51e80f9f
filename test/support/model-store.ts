import { ModelStore } from "../../src/models/store.js";

/** The repository's model store (models/, no hash cache kept): what the tests load models from. */
export function repoModelStore(): ModelStore {
  return new ModelStore({ modelsDir: "models", cacheFile: null });
}
