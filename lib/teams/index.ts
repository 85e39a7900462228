export { createTeam } from "./create-team";
export { deleteTeam } from "./delete-team";
export { getTeam } from "./get-team";
export { listTeams } from "./list-teams";
export { addTeamMember, removeTeamMember, updateTeamMember } from "./members";
export { renameTeam } from "./rename-team";
