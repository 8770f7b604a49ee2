export { humanDuration } from "./human-duration.js";
export {
  PRINTER_COLUMN_NAMES,
  type PrinterColumnValues,
  printerColumns,
} from "./printer-columns.js";
