// Issues a UserSig and a PrivateMapKey with a labelled demo key, verifies
// both, and prints what they say. Run: deno run examples/quickstart.ts
import { decodeUserSig, Privilege, TLSSigAPIv2 } from "../mod.ts";

// DEMO ONLY: a made-up key. Real keys come from the console and stay on a server.
const DEMO_SDK_APP_ID = 1400000000;
const DEMO_SECRET_KEY = "demo-only-secret-key-never-use-in-production";

const api = new TLSSigAPIv2(DEMO_SDK_APP_ID, DEMO_SECRET_KEY);
const userSig = await api.genUserSig("alice", 86400);
const claims = await api.verifyUserSig(userSig, "alice");
console.log("UserSig for alice:", userSig);
console.log("verified:", claims);

const privateMapKey = await api.genPrivateMapKey("alice", 300, 10000, Privilege.EnterRoom);
const room = await api.verifyPrivateMapKey(privateMapKey, "alice", { roomId: 10000 });
console.log("PrivateMapKey for room 10000:", privateMapKey);
console.log("room record:", room.privateMap);
console.log("inside (no key needed):", decodeUserSig(userSig).json);
