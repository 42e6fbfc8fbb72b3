export {LogsStandIn, type LogsStandInOptions, type StandInLogEvent} from './server.js'
