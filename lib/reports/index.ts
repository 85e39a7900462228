export {
  getReport,
  reportCsv,
  reportInput,
  stat,
  type Report,
  type ReportInput,
  type ReportRow,
} from "./report";
export { rollupMessageVolume } from "./rollup";
