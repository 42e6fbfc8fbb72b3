import {type Ask, type InitOptions, type InitResult, initProject} from '../project/init.js'
import type {AppContext} from './context.js'

export type InitRequest = Omit<InitOptions, 'signal'>

/** `limg init`: a new function project, or limg's files beside an existing one. `ask` is for a terminal. */
export function init(context: AppContext, request: InitRequest, ask?: Ask): Promise<InitResult> {
  return initProject({...request, ...(context.signal ? {signal: context.signal} : {})}, ask)
}
