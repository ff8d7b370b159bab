/**
 * Helpers for the service switcher's frames, which are core frame types (`service.switch`, `service.switched`) so that
 * transports (a page's mode selector) can make them without depending on this package.
 *
 * @packageDocumentation
 */
import { makeFrame, type Frame, type FrameFields, type ServiceSwitchFrame as SwitchFrameType, type ServiceSwitchedFrame as SwitchedFrameType } from '@voxframe/core';

/** Makes and recognizes `service.switch` frames: asks a switcher to activate the branch named `target`. */
export const ServiceSwitchFrame = {
  create: (fields: FrameFields<'service.switch'>): SwitchFrameType => makeFrame('service.switch', fields),
  is: (frame: Frame): frame is SwitchFrameType => frame.type === 'service.switch',
} as const;

/** Makes and recognizes `service.switched` frames: a switcher changed its active branch. */
export const ServiceSwitchedFrame = {
  create: (fields: FrameFields<'service.switched'>): SwitchedFrameType => makeFrame('service.switched', fields),
  is: (frame: Frame): frame is SwitchedFrameType => frame.type === 'service.switched',
} as const;
