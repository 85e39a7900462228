// CSV for spreadsheets lives in lib/utils/csv (shared with reports and contact export).
export { csvCell, csvRow } from "@/lib/utils/csv";
