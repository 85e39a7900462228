export { autoAssignTeam, routeAllTeams, routeTeams, type AutoAssignment } from "./auto-assign";
export { availabilityInput, getMyAvailability, setMyAvailability, type Availability } from "./availability";
export {
  getTeamRouting,
  memberCapacityInput,
  setMemberCapacity,
  setTeamRouting,
  teamRoutingInput,
} from "./team-routing";
export { markAbsentAway, markPresent } from "./presence";
