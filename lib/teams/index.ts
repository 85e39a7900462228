export { createTeam } from "./create-team";
