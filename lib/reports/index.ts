export {
  asReportError,
  getReport,
  ReportTimeoutError,
  reportCsv,
  reportInput,
  stat,
  type Report,
  type ReportInput,
  type ReportRow,
} from "./report";
export type { Stat } from "./schemas";
export { rollupMessageVolume } from "./rollup";
