/**
 * The client SDK (`enigma-ts/sdk`): viem-style actions over an `EnigmaClient`. Runs in Node and in
 * browsers: nothing here imports a node:* module (checked by sdk.bundle.test.ts).
 */
export { createEnigmaClient, type EnigmaClient, type EnigmaClientConfig, type NodeApiResolver } from './client.ts'
export { SdkError, type SdkErrorCode } from './errors.ts'
// The errors an SDK call can surface from below, to tell them apart (viem exports its error classes the same way).
export { EnigmaError, isEnigmaError } from '../common/errors.ts'
export { ControllerRevertError, ChainRequestError } from '../chain/errors.ts'
export { registerContract, type RegisterContractParameters, type RegisterContractReturnType, type RegisterContractErrorType } from './actions/registerContract.ts'
export { createTask, type CreateTaskParameters, type CreateTaskReturnType, type CreateTaskErrorType } from './actions/createTask.ts'
export { drawCommittee, type DrawCommitteeParameters, type DrawCommitteeReturnType, type DrawCommitteeErrorType } from './actions/drawCommittee.ts'
export { submitInput, InputDeliveryError, type SubmitInputParameters, type SubmitInputReturnType, type SubmitInputErrorType, type SealedSlot } from './actions/submitInput.ts'
export { waitForResult, type WaitForResultParameters, type WaitForResultReturnType, type WaitForResultErrorType, type TaskReceipt } from './actions/waitForResult.ts'
export { getTask, type GetTaskParameters, type GetTaskReturnType, type GetTaskErrorType } from './actions/getTask.ts'
export { recommendCommitteeSize, type RecommendCommitteeSizeParameters, type RecommendCommitteeSizeReturnType } from './actions/recommendCommittee.ts'
export { getOutput, type GetOutputParameters, type GetOutputReturnType, type GetOutputErrorType } from './actions/getOutput.ts'
export { generateRecipientKey, recipientPublicKey, type RecipientKey } from './recipient-key.ts'
export { valueOfSlot, encodeSlotValue } from './internal/slots.ts'
export { decodePublicOutputs } from './internal/outputs.ts'
export { storeRecord, deliverRecordShares, RecordDeliveryError, type StoreRecordParameters, type StoreRecordReturnType, type StoreRecordErrorType, type RecordDelivery } from './actions/storeRecord.ts'
export { grantAccess, type GrantAccessParameters, type GrantAccessReturnType, type GrantAccessErrorType } from './actions/grantAccess.ts'
export { revokeAccess, type RevokeAccessParameters, type RevokeAccessReturnType, type RevokeAccessErrorType } from './actions/revokeAccess.ts'
export { deleteRecord, type DeleteRecordParameters, type DeleteRecordReturnType, type DeleteRecordErrorType } from './actions/deleteRecord.ts'
export { getRecord, type GetRecordParameters, type GetRecordReturnType, type GetRecordErrorType } from './actions/getRecord.ts'
export { listRecords, type ListRecordsParameters, type ListRecordsReturnType, type ListRecordsErrorType } from './actions/listRecords.ts'
export { parseRecordType, recordTypeHash } from '../node/record-type.ts'
export { useRecord, slotRecordTypeHash, type UseRecordParameters, type UseRecordReturnType, type UseRecordErrorType } from './actions/useRecord.ts'
export { checkRecordUse, type CheckRecordUseParameters, type CheckRecordUseReturnType, type CheckRecordUseErrorType } from './actions/checkRecordUse.ts'
