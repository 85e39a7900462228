export { actorFromApiKey } from "./authenticate-api-key";
export { createApiKey } from "./create-api-key";
export { listApiKeys } from "./list-api-keys";
export { revokeApiKey } from "./revoke-api-key";
