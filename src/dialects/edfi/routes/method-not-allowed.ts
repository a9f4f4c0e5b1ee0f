// ODS's 405s for a method a collection or an item does not take, with its guidance texts.
// Any Ed-Fi scope may hear them: they say how to call, not what the data is. (HEAD and OPTIONS
// are refused with every GET route: see edfi-route.ts.) The Allow header is computed when
// answering, so it lists what the URL serves once every route is registered.
import { allowOf, DATA, refusal, type EdfiRoutes } from '../edfi-route.ts';
import { methodNotAllowed } from '../problem-details.ts';
import { ItemParams } from '../schemas.ts';

const unsupported = (method: string) => `The endpoint of the request does not support the '${method}' method.`;

export function registerMethodNotAllowed(r: EdfiRoutes, resource: string): void {
  const collection = `${DATA}/${resource}`;
  const item = `${DATA}/${resource}/:id`;
  const refuse = (url: string, method: 'POST' | 'PUT' | 'DELETE' | 'PATCH', message: string) =>
    refusal(r, method, url, { hide: true, ...(url === item ? { params: ItemParams } : {}) }, async () => {
      throw methodNotAllowed(message, allowOf(r, url));
    });
  const served = (url: string, method: string) => r.allowed.get(url)?.has(method) === true;
  refuse(collection, 'PUT', 'Resource collections cannot be replaced. To "upsert" an item in the collection, use POST. To update a specific item, use PUT and include the "id" in the route.');
  refuse(collection, 'DELETE', 'Resource collections cannot be deleted. To delete a specific item, use DELETE and include the "id" in the route.');
  refuse(collection, 'PATCH', unsupported('PATCH'));
  refuse(item, 'POST', 'Resource items can only be updated using PUT. To "upsert" an item in the resource collection using POST, remove the "id" from the route.');
  refuse(item, 'PATCH', unsupported('PATCH'));
  if (!served(item, 'PUT')) refuse(item, 'PUT', unsupported('PUT'));
  if (!served(item, 'DELETE')) refuse(item, 'DELETE', unsupported('DELETE'));
}
