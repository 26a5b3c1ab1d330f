/**
 * The operation types and progress messages of VM tasks as a real Prism Central reports them:
 * `create_vm_intentful`, `update_vm_intentful`, `delete_vm_intentful` (terraform-provider-nutanix
 * `out.txt`, a real debug trace; DataDog integrations-core `nutanix` fixtures). `progress_message`
 * carries the same text in those traces.
 */
export const CREATE_VM_OPERATION = "create_vm_intentful";
export const UPDATE_VM_OPERATION = "update_vm_intentful";
export const DELETE_VM_OPERATION = "delete_vm_intentful";
