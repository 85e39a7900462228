export { emitAudit, emitAuditBatch, type AuditEntry } from "./emit-audit";
export { exportAudit } from "./export-audit";
export { listAudit } from "./list-audit";
export { verifyAudit } from "./verify-audit";
export { verifyAuditChain } from "./verify";
