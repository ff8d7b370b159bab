/**
 * `@voxframe/s2s-nova`: Amazon Nova Sonic provider. Not implemented yet: see the package README.
 *
 * @packageDocumentation
 */
/** The name this provider will register under. */
export const NOVA_SONIC_PROVIDER = 'nova';
