export {LambdaStandIn, type LambdaStandInOptions, type StandInFunction} from './server.js'
