export {IamStandIn, type IamStandInOptions, type StandInRole, trustsLambda} from './server.js'
