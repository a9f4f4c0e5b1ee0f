// ODS's 405s for a method a collection or an item does not take, with its guidance texts.
// Any Ed-Fi scope may hear them: they say how to call, not what the data is.
import { DATA, EDFI_READ, EDFI_WRITE, route, type EdfiRoutes } from '../edfi-route.ts';
import { methodNotAllowed } from '../problem-details.ts';
import { ItemParams } from '../schemas.ts';

const PATCH = "The endpoint of the request does not support the 'PATCH' method.";

export function registerMethodNotAllowed(r: EdfiRoutes, resource: string, options: { updatable?: boolean; deletable?: boolean } = {}): void {
  const { updatable = true, deletable = true } = options;
  const any = [EDFI_READ, EDFI_WRITE];
  const refuse = (message: string, allow: string) => async () => {
    throw methodNotAllowed(message, allow);
  };
  const collection = `${DATA}/${resource}`;
  const item = `${DATA}/${resource}/:id`;
  const hide = { hide: true };
  route(r, 'PUT', collection, hide, refuse('Resource collections cannot be replaced. To "upsert" an item in the collection, use POST. To update a specific item, use PUT and include the "id" in the route.', 'GET, POST'), any);
  route(r, 'DELETE', collection, hide, refuse('Resource collections cannot be deleted. To delete a specific item, use DELETE and include the "id" in the route.', 'GET, POST'), any);
  route(r, 'PATCH', collection, hide, refuse(PATCH, 'GET, POST'), any);
  const itemAllow = ['GET', ...(updatable ? ['PUT'] : []), ...(deletable ? ['DELETE'] : [])].join(', ');
  route(r, 'POST', item, { hide: true, params: ItemParams }, refuse('Resource items can only be updated using PUT. To "upsert" an item in the resource collection using POST, remove the "id" from the route.', itemAllow), any);
  route(r, 'PATCH', item, { hide: true, params: ItemParams }, refuse(PATCH, itemAllow), any);
  if (!updatable) route(r, 'PUT', item, { hide: true, params: ItemParams }, refuse("The endpoint of the request does not support the 'PUT' method.", itemAllow), any);
  if (!deletable) route(r, 'DELETE', item, { hide: true, params: ItemParams }, refuse("The endpoint of the request does not support the 'DELETE' method.", itemAllow), any);
}
