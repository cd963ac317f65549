/**
 * `npm run inventory`: writes catalogue/inventory.yaml (cli/inventory.ts) from the catalogue, the profiles and the
 * suites. `npm test` fails while the checked-in file differs from what this writes.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkedInInventory, INVENTORY_FILE, inventoryText } from '../cli/inventory.ts';
import { PACKAGE_ROOT } from '../cli/paths.ts';

const text = inventoryText();
if (checkedInInventory() === text) console.log(`${INVENTORY_FILE} is up to date`);
else {
  writeFileSync(join(PACKAGE_ROOT, INVENTORY_FILE), text);
  console.log(`wrote ${INVENTORY_FILE}: review the difference (git diff ${INVENTORY_FILE}) and commit it`);
}
