/**
 * Group details: the members with their roles and presence; for owner and admins,
 * renaming the group, adding and removing members; for the owner, making and unmaking
 * admins; for everyone but the owner, leaving. Stays live while open (title, members,
 * roles, removal), from the group's `member` and `title` events.
 */
import { describeError } from '../api/error-text.js';
import { h } from '../core/dom.js';
import { KeyedList } from '../core/keyed-list.js';
import { icon } from '../core/icons.js';
import { Role } from '../state/conversation.js';
import { avatar } from './avatar.js';
import { confirmDialog, openModal } from './modal.js';
import { createNoticeArea } from './notice-area.js';
import { createUserSearch } from './user-search.js';
import { clearFieldErrors, showFieldError } from './field-error.js';
import { codePointLength } from '../core/format.js';

const MAX_TITLE = 128;

const ROLE_ORDER = { [Role.OWNER]: 0, [Role.ADMIN]: 1, [Role.MEMBER]: 2 };
const ROLE_LABEL = { [Role.OWNER]: 'Owner', [Role.ADMIN]: 'Admin' };

export function openGroupDetailsDialog(session, conversationId) {
  const { store } = session;
  const listeners = new AbortController();
  const notices = createNoticeArea({ className: 'dialog-notices' });
  const memberList = h('ul', { class: 'member-list', testid: 'member-list', attrs: { 'aria-label': 'Members' } });
  const heading = h('p', { class: 'section-label' });
  const addSection = h('section', { class: 'stack' });
  const renameSection = h('section', { class: 'stack' });
  const renameInput = h('input', {
    class: 'input',
    testid: 'group-rename-input',
    attrs: { type: 'text', maxlength: MAX_TITLE, autocomplete: 'off', dir: 'auto', 'aria-label': 'Group name' },
  });
  const renameForm = h('form', { class: 'rename-form', attrs: { novalidate: true } }, [
    h('label', { class: 'field' }, [
      h('span', { class: 'field-label', text: 'Group name' }),
      h('span', { class: 'inline-form' }, [
        renameInput,
        h('button', { class: 'button button-secondary', testid: 'group-rename-save', text: 'Rename', attrs: { type: 'submit' } }),
      ]),
    ]),
  ]);
  renameForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearFieldErrors(renameForm);
    const title = renameInput.value.trim();
    if (!title || codePointLength(title) > MAX_TITLE) {
      showFieldError(renameInput, 'Give the group a name (up to 128 characters).');
      return;
    }
    if (title === store.get(conversationId)?.title) return;
    try {
      await session.rename(conversationId, title);
      notices.show('The group was renamed.', { tone: 'info', timeoutMs: 4000 });
    } catch (error) {
      showFieldError(renameInput, describeError(error));
    }
  });
  const leaveSection = h('section', { class: 'leave-section' });
  const memberRows = new KeyedList(memberList);
  const showAll = h('button', {
    class: 'link-button',
    testid: 'show-all-members',
    attrs: { type: 'button' },
    props: { hidden: true },
    on: { click: () => act(async () => {
      showAll.disabled = true;
      try {
        await session.loadAllMembers(conversationId);
      } finally {
        showAll.disabled = false;
      }
    }) },
  });
  let renderedRole = null;

  const search = createUserSearch({
    session,
    label: 'Add people to the group',
    exclude: () => new Set(store.get(conversationId)?.members.map((member) => member.userId) ?? []),
    onPick: (user) => act(async () => {
      await session.addMembers(conversationId, [user.id]);
      search.clear();
      notices.show(`${user.displayName || user.username} was added.`, { tone: 'info', timeoutMs: 4000 });
    }),
  });

  async function act(action) {
    try {
      await action();
    } catch (error) {
      notices.show(describeError(error));
    }
  }

  function memberRow(member, myRole) {
    const me = member.userId === store.me.id;
    const displayName = member.displayName || store.users.displayName(member.userId);
    const actions = [];
    if (myRole === Role.OWNER && !me && member.role !== Role.OWNER) {
      const promote = member.role !== Role.ADMIN;
      actions.push(h('button', {
        class: 'button button-small button-ghost',
        testid: 'role-toggle',
        text: promote ? 'Make admin' : 'Remove admin',
        attrs: { type: 'button' },
        on: { click: () => act(() => session.setRole(conversationId, member.userId, promote ? Role.ADMIN : Role.MEMBER)) },
      }));
    }
    const canRemove = !me && member.role !== Role.OWNER
      && (myRole === Role.OWNER || (myRole === Role.ADMIN && member.role === Role.MEMBER));
    if (canRemove) {
      actions.push(h('button', {
        class: 'icon-button icon-button-danger',
        testid: 'remove-member',
        attrs: { type: 'button', 'aria-label': `Remove ${displayName} from the group`, title: 'Remove from group' },
        on: { click: () => removeMember(member) },
      }, [icon('remove', { size: 18 })]));
    }
    return h('li', { class: 'member-item', testid: 'member-item', data: { userId: member.userId, role: member.role } }, [
      avatar({ name: displayName, seed: `u${member.userId}`, size: 'sm' }),
      h('span', { class: 'member-names' }, [
        h('span', { class: 'member-name', text: me ? `${displayName} (you)` : displayName, attrs: { dir: 'auto' } }),
        h('span', { class: 'member-username', text: `@${member.username}` }),
      ]),
      ROLE_LABEL[member.role] ? h('span', { class: ['role-badge', `role-${member.role}`], text: ROLE_LABEL[member.role] }) : null,
      h('span', { class: 'member-actions' }, actions),
    ]);
  }

  async function removeMember(member) {
    const confirmed = await confirmDialog({
      title: 'Remove member?',
      message: `${member.displayName} will leave the group and stop receiving its messages.`,
      confirmLabel: 'Remove',
      danger: true,
      testid: 'confirm-remove-member',
    });
    if (confirmed) await act(() => session.removeMember(conversationId, member.userId));
  }

  async function leave() {
    const conversation = store.get(conversationId);
    const confirmed = await confirmDialog({
      title: 'Leave group?',
      message: `You will stop receiving messages from “${conversation?.displayTitle ?? 'this group'}”.`,
      confirmLabel: 'Leave group',
      danger: true,
      testid: 'confirm-leave',
    });
    if (!confirmed) return;
    // Leaving removes the conversation, which closes this dialog and goes back to the list
    // (once: see Router.toList); nothing here navigates.
    await act(() => session.leave(conversationId));
  }

  function update() {
    const conversation = store.get(conversationId);
    if (!conversation) return;
    const myRole = conversation.roleOf(store.me.id);
    modal.setTitle(conversation.displayTitle);
    if (document.activeElement !== renameInput) renameInput.value = conversation.title ?? '';
    const members = conversation.members.sort((a, b) => (ROLE_ORDER[a.role] ?? 3) - (ROLE_ORDER[b.role] ?? 3)
      || a.displayName.localeCompare(b.displayName));
    const count = Math.max(conversation.memberCount, members.length);
    heading.textContent = `${count} ${count === 1 ? 'member' : 'members'}`;
    showAll.hidden = count <= members.length;
    showAll.textContent = `Show all ${count} members`;
    memberRows.update(members, {
      key: (member) => String(member.userId),
      signature: (member) => JSON.stringify([member.displayName, member.username, member.role, myRole]),
      render: (member) => memberRow(member, myRole),
    });
    if (myRole !== renderedRole) {
      renderedRole = myRole;
      const canAdd = myRole === Role.OWNER || myRole === Role.ADMIN;
      renameSection.replaceChildren(...(canAdd ? [renameForm] : []));
      addSection.replaceChildren(...(canAdd ? [h('p', { class: 'section-label', text: 'Add members' }), search.element] : []));
      leaveSection.replaceChildren(myRole === Role.OWNER
        ? h('p', { class: 'field-hint', text: 'You own this group, so you can’t leave it.' })
        : h('button', {
          class: 'button button-danger-ghost',
          testid: 'leave-group',
          attrs: { type: 'button' },
          on: { click: leave },
        }, [icon('logout', { size: 18 }), h('span', { text: 'Leave group' })]));
    }
  }

  const conversation = store.get(conversationId);
  const modal = openModal({
    title: conversation?.displayTitle ?? 'Group',
    className: 'modal-details',
    body: [notices.element, renameSection, addSection, h('section', { class: 'stack' }, [heading, memberList, h('div', {}, [showAll])]), leaveSection],
    onClose: () => listeners.abort(),
  });
  store.on('change', update, { signal: listeners.signal });
  store.on('removed', (removed) => {
    if (removed.id === conversationId) modal.close();
  }, { signal: listeners.signal });
  update();
}
