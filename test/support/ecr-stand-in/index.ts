export {EcrStandIn, type EcrStandInOptions, type StandInFailure, type StandInRepository, type Call} from './server.js'
export {verifySigV4, type SigningIdentity, type SignatureCheck} from './sigv4.js'
