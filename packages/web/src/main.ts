/**
 * The DogBook page: the kennels, and for the chosen kennel its dogs. Everything it shows is set as
 * text (textContent), never as markup: names come from the API, and the API from anyone.
 */
import { getJson, type Answer, type Kennel } from './api';
import { LEARNER_KEY } from '@dogbook/tracing/conventions';
import { startTracing } from './tracing';

/** The faults of the existing grammar (docs: Faults on demand), aimed at the chosen kennel. */
const FAULTS: Record<string, (kennel: Kennel) => string | undefined> = {
  none: () => undefined,
  // 1.5 s stays within kennels' 2 s deadline: the answer is slow, but complete.
  'slow-dog': (kennel) => `dogbook.fault.dogs${firstDog(kennel)}=delay:1500`,
  'failing-dog': (kennel) => `dogbook.fault.dogs${firstDog(kennel)}=error`,
  'failing-inventory': () => 'dogbook.fault.inventory=error',
};

/** `.4` for a kennel whose first dog is 4; every dog of the service when the kennel has none. */
const firstDog = (kennel: Kennel) => (kennel.dogs[0] ? `.${kennel.dogs[0].id}` : '');

const byId = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const learnerInput = byId<HTMLInputElement>('learner');
const kennelList = byId<HTMLUListElement>('kennels');
const kennelTitle = byId<HTMLHeadingElement>('kennel-title');
const dogList = byId<HTMLUListElement>('dogs');
const statusLine = byId<HTMLParagraphElement>('status');
const traceLine = byId<HTMLParagraphElement>('trace');

const learner = () => learnerInput.value.trim() || undefined;

startTracing(learner);

// Kept in the browser under the key it travels under as baggage.
learnerInput.value = localStorage.getItem(LEARNER_KEY) ?? '';
learnerInput.addEventListener('change', () => {
  const name = learner();
  if (name) localStorage.setItem(LEARNER_KEY, name);
  else localStorage.removeItem(LEARNER_KEY);
});

/** The baggage of a request: the learner's name, and the fault picked for this one request. */
function baggageFor(kennel?: Kennel): string[] {
  const members: string[] = [];
  const name = learner();
  if (name) members.push(`${LEARNER_KEY}=${name}`);
  const picked = document.querySelector<HTMLInputElement>('input[name="fault"]:checked');
  const fault = kennel && picked ? FAULTS[picked.value]?.(kennel) : undefined;
  if (fault) {
    members.push(fault);
    // A fault is for the next request only.
    byId<HTMLInputElement>('fault-none').checked = true;
  }
  return members;
}

function item(text: string, className?: string): HTMLLIElement {
  const li = document.createElement('li');
  li.textContent = text;
  if (className) li.className = className;
  return li;
}

/** What the last answer said, and its trace id, or the API's error as it was written. */
function report(answer: Answer<unknown>, what: string): void {
  statusLine.textContent = answer.ok ? '' : `${what}: ${answer.status || 'no'} answer. ${answer.error ?? ''}`;
  traceLine.textContent = answer.traceId ? `trace ${answer.traceId}` : '';
}

async function showKennel(kennel: Kennel, button: HTMLButtonElement): Promise<void> {
  for (const other of kennelList.querySelectorAll('button')) other.setAttribute('aria-pressed', 'false');
  button.setAttribute('aria-pressed', 'true');
  kennelTitle.textContent = `Dogs in ${kennel.name}`;
  dogList.replaceChildren(item('Asking kennels...'));
  statusLine.textContent = '';
  traceLine.textContent = '';
  const answer = await getJson<Kennel>(`/api/v1/kennels/${kennel.id}`, baggageFor(kennel));
  report(answer, `Kennel ${kennel.id}`);
  if (!answer.body) return void dogList.replaceChildren();
  const dogs = answer.body.dogs.map((dog) =>
    dog.name === null ? item(`dog ${dog.id}: no name (the dogs service did not answer)`, 'missing') : item(dog.name),
  );
  dogList.replaceChildren(...(dogs.length > 0 ? dogs : [item('No dogs live here.')]));
}

async function showKennels(): Promise<void> {
  const answer = await getJson<Kennel[]>('/api/v1/kennels', baggageFor());
  report(answer, 'The kennel list');
  for (const kennel of answer.body ?? []) {
    const button = document.createElement('button');
    button.type = 'button';
    button.textContent = kennel.name;
    button.setAttribute('aria-pressed', 'false');
    button.addEventListener('click', () => void showKennel(kennel, button));
    const li = document.createElement('li');
    li.append(button);
    kennelList.append(li);
  }
}

void showKennels();
