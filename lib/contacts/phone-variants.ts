/**
 * The forms one person's number can take in Meta's payloads. Brazil's mobile numbers gained a ninth digit
 * (55 + 2-digit area + 9 + 8 digits), yet older accounts' wa_id still omit it: an echo `to` may carry
 * 55 11 8765 4321 while the same customer's inbound `from` is 55 11 98765 4321.
 */
export function phoneVariants(phone: string): string[] {
  const digits = phone.replace(/\D/g, "");
  if (!digits) return [];
  if (digits.startsWith("55") && digits.length === 13 && digits[4] === "9") {
    return [digits, digits.slice(0, 4) + digits.slice(5)];
  }
  if (digits.startsWith("55") && digits.length === 12 && /[6-9]/.test(digits[4] ?? "")) {
    // Only mobile ranges (first local digit 6–9) gained the 9; landlines (2–5) never did.
    return [digits, `${digits.slice(0, 4)}9${digits.slice(4)}`];
  }
  return [digits];
}
