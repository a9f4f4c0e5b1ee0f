// Ed-Fi writes resource ids as 32 lowercase hex digits ("{id:n}"); the store keeps uuids.
const HEX32 = /^[0-9a-f]{32}$/i;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function toEdfiId(uuid: string): string {
  return uuid.replace(/-/g, '').toLowerCase();
}

/** The uuid an Ed-Fi id names, or null when it is not a guid (ODS's route takes either form). */
export function fromEdfiId(id: string): string | null {
  if (HEX32.test(id)) {
    const h = id.toLowerCase();
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }
  if (UUID.test(id)) return id.toLowerCase();
  return null;
}
