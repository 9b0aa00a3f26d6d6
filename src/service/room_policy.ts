// Which PrivateMapKey privileges a user may have in a room. The service
// grants a request only when every requested bit is allowed.
import { Privilege } from "../privilege.ts";

/** A request for a PrivateMapKey, as a room policy sees it. */
export interface RoomRequest {
  /** The authenticated user (the token's `sub`). */
  userId: string;
  /** The numeric room, when the request names one. */
  roomId?: number;
  /** The string room, when the request names one. */
  roomStr?: string;
  /** The privilege bits asked for. */
  privileges: number;
}

/**
 * Decides which privilege bits a user may have in a room: returns the
 * allowed bits (0 for none). It may also throw a `ServiceError` to refuse
 * outright. The service answers `403` when a request asks for any bit
 * outside the result.
 */
export type RoomPolicy = (request: RoomRequest) => number | Promise<number>;

/**
 * What the example policy lets anyone do in any room: enter, listen, watch.
 *
 * @example A policy of your own: audience everywhere, nothing more
 * ```ts
 * import { privilegeNames } from "@usersig/usersig";
 * import { AUDIENCE_PRIVILEGES, type RoomPolicy } from "@usersig/usersig/service";
 *
 * const audienceOnly: RoomPolicy = () => AUDIENCE_PRIVILEGES;
 * console.assert(audienceOnly({ userId: "alice", roomId: 10000, privileges: 2 }) === 170);
 * console.assert(
 *   privilegeNames(AUDIENCE_PRIVILEGES).join() ===
 *     "EnterRoom,ReceiveAudio,ReceiveVideo,ReceiveSubStream",
 * );
 * ```
 */
export const AUDIENCE_PRIVILEGES: number = Privilege.EnterRoom | Privilege.ReceiveAudio |
  Privilege.ReceiveVideo | Privilege.ReceiveSubStream;

/**
 * The example room policy, used by the Worker and the examples: every user
 * may enter any room as audience (enter, receive audio, video and the
 * screen-share substream); in their own room — the string room whose id is
 * their user id — they may do everything (create the room, send audio,
 * video and substream). Replace it with your application's rules, e.g. a
 * look-up of room membership.
 *
 * @param request The user, the room and the privileges asked for.
 * @returns The allowed privilege bits.
 *
 * @example Audience elsewhere, host at home
 * ```ts
 * import { Privilege } from "@usersig/usersig";
 * import { exampleRoomPolicy } from "@usersig/usersig/service";
 *
 * const home = exampleRoomPolicy({ userId: "alice", roomStr: "alice", privileges: 1 });
 * const elsewhere = exampleRoomPolicy({ userId: "alice", roomId: 10000, privileges: 2 });
 * console.assert(home === Privilege.All && (elsewhere & Privilege.SendVideo) === 0);
 * ```
 */
export function exampleRoomPolicy(request: RoomRequest): number {
  return request.roomStr === request.userId ? Privilege.All : AUDIENCE_PRIVILEGES;
}
